// The one table of boot2container parameter names that changed between releases (DESIGN §8): 0.9.x reads
// `b2c.container`, `b2c.post_container`, `b2c.service`; current releases read `b2c.run`, `b2c.run_post`,
// `b2c.run_service`. Everything else about the document is the same in both.
import type { B2cDialect } from './types.ts';

export interface B2cPipelineParams {
  /** One pipeline stage, run in order. */
  stage: string;
  /** A container that always runs after the stages. */
  post: string;
  /** A container running in the background for the whole pipeline. */
  service: string;
}

export const B2C_PARAMS: Record<B2cDialect, B2cPipelineParams> = {
  run: { stage: 'b2c.run', post: 'b2c.run_post', service: 'b2c.run_service' },
  container: { stage: 'b2c.container', post: 'b2c.post_container', service: 'b2c.service' },
};

/** Profiles that don't name a dialect target current releases. */
export const DEFAULT_B2C_DIALECT: B2cDialect = 'run';
