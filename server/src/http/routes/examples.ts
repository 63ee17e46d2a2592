// Save-time checks need a realistic extra-args URL to count kernel-line bytes: the real one is
// PUBLIC_URL/b2c/<token>, and only its length matters.
import type { FastifyRequest } from 'fastify';
import { PLACEHOLDER_TOKEN } from '../../boot/plan.ts';
import { requestBaseUrl } from '../public-url.ts';

export function exampleExtraArgsUrl(request: FastifyRequest, configured: string | null): string {
  return `${requestBaseUrl(request, configured)}/b2c/${PLACEHOLDER_TOKEN}`;
}
