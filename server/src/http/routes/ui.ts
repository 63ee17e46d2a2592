// The admin web UI: the Vite build in `distDir` served at /ui/, with `/` redirecting there.
// Hashed assets (Vite names them after their content) are cached forever; index.html is revalidated on every
// load so a new build is picked up at once. Any other /ui/* path is a client-side route and gets index.html.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../errors.ts';

export interface UiRoutesOptions {
  /** The Vite output directory (web/dist): index.html plus hashed files under assets/. */
  distDir: string;
}

/** A year: the longest max-age caches honour; the name changes whenever the content does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Vite's `build.assetsDir`: everything in it carries a content hash in its name. */
const ASSETS_DIR = 'assets';

/** Register with `app.register(uiRoutes, { distDir })`. */
export const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, { distDir }) => {
  const assetsPrefix = join(distDir, ASSETS_DIR) + sep;
  const built = existsSync(join(distDir, 'index.html'));

  app.get('/', async (_request, reply) => reply.redirect('/ui/', 302));
  app.get('/ui', async (_request, reply) => reply.redirect('/ui/', 302));

  await app.register(async (ui) => {
    if (!built) {
      // Serving nothing would look like a broken server; say what to do instead.
      ui.get('/*', async (_request, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send(`The web UI is not built (no ${join(distDir, 'index.html')}): run \`npm run build\`.\n`));
      return;
    }

    await ui.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      // Cache-Control is ours (setHeaders); send's default would overwrite it with a max-age of 0.
      cacheControl: false,
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.startsWith(assetsPrefix) ? IMMUTABLE : REVALIDATE);
      },
    });

    ui.setNotFoundHandler(async (request, reply) => {
      const path = request.url.split('?')[0]!;
      // A missing asset must stay a 404: answering index.html would hand HTML to a <script> tag.
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return reply.code(404).send(new ApiError('not_found', `no route for ${request.method} ${path}`).toJSON());
      }
      if (path.startsWith(`/ui/${ASSETS_DIR}/`)) {
        return reply.code(404).send(new ApiError('not_found', `no UI asset at ${path}`).toJSON());
      }
      return reply.header('Cache-Control', REVALIDATE).sendFile('index.html');
    });
  }, { prefix: '/ui' });
};
