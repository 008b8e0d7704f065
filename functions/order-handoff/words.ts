// What people read about orders (订单执行), in zh-CN and en: steps, facts, fields, endings, and the customer's mails.
export const orderWords = {
  subject: { 'zh-CN': '订单', en: 'Order' },
  steps: {
    'Production confirms schedule': { 'zh-CN': '生产确认排期', en: 'Production confirms schedule' },
    'Sales decides on new date': { 'zh-CN': '销售决定新交期', en: 'Sales decides on new date' },
    'Sales manager decides on new date': {
      'zh-CN': '销售经理决定新交期',
      en: 'Sales manager decides on new date',
    },
    'Production reports completion': { 'zh-CN': '生产报告完工', en: 'Production reports completion' },
    'Logistics ships': { 'zh-CN': '物流发货', en: 'Logistics ships' },
    'Confirm delivery': { 'zh-CN': '确认送达', en: 'Confirm delivery' },
    'Customer acceptance': { 'zh-CN': '客户验收', en: 'Customer acceptance' },
  },
  facts: {
    contract: { 'zh-CN': '合同', en: 'Contract' },
    customer: { 'zh-CN': '客户', en: 'Customer' },
    address: { 'zh-CN': '送货地址', en: 'Delivery address' },
    items: { 'zh-CN': '货物', en: 'Goods' },
    promised: { 'zh-CN': '承诺交期', en: 'Promised delivery' },
    required: { 'zh-CN': '合同交期', en: 'Delivery date in the contract' },
    latestCompletion: {
      'zh-CN': '最晚完工日期（留出运输时间）',
      en: 'Latest completion (leaving time to ship)',
    },
    planned: { 'zh-CN': '计划完工日期', en: 'Planned completion' },
    proposed: { 'zh-CN': '生产提议的完工日期', en: 'Completion production proposes' },
    proposedDelivery: { 'zh-CN': '由此可交付日期', en: 'Delivery this allows' },
    salesOwner: { 'zh-CN': '销售负责人', en: 'Sales owner' },
    carrier: { 'zh-CN': '承运商', en: 'Carrier' },
    trackingNumber: { 'zh-CN': '运单号', en: 'Tracking number' },
    expectedDelivery: { 'zh-CN': '预计送达', en: 'Expected delivery' },
    deliveredOn: { 'zh-CN': '送达日期', en: 'Delivered on' },
    receiver: { 'zh-CN': '签收人', en: 'Signed for by' },
  },
  quantity: {
    'zh-CN': (n: string, standard: string) => `× ${n}，质量标准：${standard}`,
    en: (n: string, standard: string) => `× ${n}, quality standard: ${standard}`,
  },
  fields: {
    plannedDate: { 'zh-CN': '计划完工日期', en: 'Planned completion date' },
    proposedDate: { 'zh-CN': '可完工日期', en: 'Date you can complete by' },
    newPlannedDate: { 'zh-CN': '新的计划完工日期', en: 'New planned completion date' },
    qcNote: { 'zh-CN': '质检说明', en: 'Quality check note' },
    carrier: { 'zh-CN': '承运商', en: 'Carrier' },
    trackingNumber: { 'zh-CN': '运单号', en: 'Tracking number' },
    expectedDelivery: { 'zh-CN': '预计送达日期', en: 'Expected delivery date' },
    deliveredOn: { 'zh-CN': '送达日期', en: 'Delivered on' },
    receiver: { 'zh-CN': '签收人姓名', en: 'Name of who signed for it' },
    acceptedOn: { 'zh-CN': '验收日期', en: 'Accepted on' },
  },
  endings: {
    accepted: {
      outcome: { 'zh-CN': '客户已验收', en: 'accepted by the customer' },
      next: { 'zh-CN': '按验收触发的付款条款开始计算账期。', en: 'Payment terms due on acceptance now run.' },
    },
    'deemed-accepted': {
      outcome: { 'zh-CN': '视同验收', en: 'accepted by default' },
      next: {
        'zh-CN': '送达后在验收期内无人验收或提出异议，按合同视同验收。',
        en: 'Nobody accepted or disputed it within the acceptance period after delivery, so it counts as accepted.',
      },
    },
    cancelled: {
      outcome: { 'zh-CN': '订单已取消', en: 'cancelled' },
      next: {
        'zh-CN': '请停止该订单的生产与发货安排。',
        en: 'Please stop production and shipping for this order.',
      },
    },
  },
  /** The mail to logistics when an order is handed over: what to plan the delivery for. */
  deliveryPlan: {
    outcome: { 'zh-CN': '请安排交付', en: 'delivery to plan' },
    next: {
      'zh-CN': '生产完工后您会收到“物流发货”任务；请提前安排运输。',
      en: 'When production completes you will get the “Logistics ships” task; please arrange transport ahead.',
    },
  },
  /** The mail to the customer when sales accepted a new delivery date. */
  newDate: {
    outcome: { 'zh-CN': '交付日期变更', en: 'new delivery date' },
    next: {
      'zh-CN': '如对新的交付日期有疑问，请联系您的销售代表。',
      en: 'If you have questions about the new date, please contact your sales representative.',
    },
  },
  /** The mail to the customer and sales when the goods leave. */
  shipped: {
    outcome: { 'zh-CN': '已发货', en: 'shipped' },
    next: {
      'zh-CN': '您可凭运单号向承运商查询物流进度。',
      en: 'You can follow the delivery with the carrier using the tracking number.',
    },
  },
  /** The mail to the sales manager when a customer disputes the delivery. */
  disputed: {
    outcome: { 'zh-CN': '客户提出异议', en: 'disputed by the customer' },
    next: {
      'zh-CN': '销售负责人将与客户沟通解决，随后重新确认验收。',
      en: 'The sales owner will settle it with the customer, then confirm acceptance again.',
    },
  },
};
