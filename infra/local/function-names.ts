// Local names for functions, as the stack would name them: one per handler file, prefixed with the stage.
import { functionId } from '#infra/function-id.ts';

export const localStage = 'local';
export const localRegion = 'us-east-1';
export const localAccount = '000000000000';

export const functionNameOf = (entry: string) => `${localStage}-${functionId(entry)}`;
export const functionArnOf = (entry: string) =>
  `arn:aws:lambda:${localRegion}:${localAccount}:function:${functionNameOf(entry)}`;
export const stateMachineArnOf = (slug: string) =>
  `arn:aws:states:${localRegion}:${localAccount}:stateMachine:${localStage}-${slug}`;
