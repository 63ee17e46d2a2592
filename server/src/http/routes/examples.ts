// Save-time checks need a realistic extra-args URL to count kernel-line bytes: the real one is
// PUBLIC_URL/b2c/<43-character token>, and its length is all that matters.
import type { FastifyRequest } from 'fastify';
import { requestBaseUrl } from '../public-url.ts';

const TOKEN_LENGTH = 43; // 32 random bytes, base64url

export function exampleExtraArgsUrl(request: FastifyRequest, configured: string | null): string {
  return `${requestBaseUrl(request, configured)}/b2c/${'x'.repeat(TOKEN_LENGTH)}`;
}
