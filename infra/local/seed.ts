// The demo organisation the sandbox starts with: one person per role, manager chains, one English speaker.

import type { Person } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';

export const seedAdmin = 'admin@example.com';

/** Listed in the README; change both together. */
export const demoPeople: readonly Person[] = [
  { email: seedAdmin, name: '系统管理员', roles: ['admin'], locale: 'zh-CN' },
  { email: 'zhou.qiang@example.com', name: '周强', roles: ['sales-director'], locale: 'zh-CN' },
  {
    email: 'sun.li@example.com',
    name: '孙丽',
    roles: ['sales-manager', 'signatory'],
    manager: 'zhou.qiang@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'zhao.min@example.com',
    name: '赵敏',
    roles: ['supervisor'],
    manager: 'sun.li@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'li.lei@example.com',
    name: '李雷',
    roles: ['sales'],
    manager: 'zhao.min@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'han.meimei@example.com',
    name: '韩梅梅',
    roles: ['sales'],
    manager: 'zhao.min@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'anna.smith@example.com',
    name: 'Anna Smith',
    roles: ['sales'],
    manager: 'zhao.min@example.com',
    locale: 'en',
  },
  {
    email: 'chen.jing@example.com',
    name: '陈静',
    roles: ['legal-head'],
    manager: 'zhou.qiang@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'wu.fang@example.com',
    name: '吴芳',
    roles: ['legal'],
    manager: 'chen.jing@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'zheng.hao@example.com',
    name: '郑浩',
    roles: ['legal'],
    manager: 'chen.jing@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'qian.yu@example.com',
    name: '钱宇',
    roles: ['finance'],
    manager: 'zhou.qiang@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'feng.lin@example.com',
    name: '冯林',
    roles: ['production'],
    manager: 'sun.li@example.com',
    locale: 'zh-CN',
  },
  {
    email: 'ma.chao@example.com',
    name: '马超',
    roles: ['logistics'],
    manager: 'sun.li@example.com',
    locale: 'zh-CN',
  },
];

/** Who plays which part in the demo organisation: the demo, the bench and the tests act as these people. */
export const demoCast = {
  rep: 'li.lei@example.com',
  supervisor: 'zhao.min@example.com',
  salesManager: 'sun.li@example.com',
  director: 'zhou.qiang@example.com',
  finance: 'qian.yu@example.com',
  legal: 'wu.fang@example.com',
  legal2: 'zheng.hao@example.com',
  production: 'feng.lin@example.com',
  logistics: 'ma.chao@example.com',
} as const;

/** Seeds the directory unless it already has its admin (a restarted sandbox keeps what people changed). */
export async function seedDemoOrganisation(people: PeopleRepository, now: Date): Promise<boolean> {
  if (await people.get(seedAdmin)) return false;
  for (const person of demoPeople) await people.put(person, now);
  return true;
}
