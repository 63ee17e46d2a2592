import type { BootPlan } from '../../boot/plan.ts';

/** The preview shape shared by GET /machines/:mac/preview and POST /preview. */
export function previewResponse(plan: BootPlan) {
  return {
    script: plan.script,
    kernelCmdline: plan.boot.kernelCmdline,
    kernelCmdlineBytes: plan.boot.kernelCmdlineBytes,
    kernelCmdlineLimit: plan.boot.kernelCmdlineLimit,
    extraArgs: plan.boot.extraArgs,
  };
}
