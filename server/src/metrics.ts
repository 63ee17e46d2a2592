// Prometheus metrics on a private registry (no global state: tests build many apps in one process). Boot events
// are counted by subscribing to the bus; byte counters are fed by the edges that stream the bytes.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from './events.ts';

export class Metrics {
  readonly registry = new Registry();
  readonly scripts = new Counter({ name: 'netboot_scripts_served_total', help: 'iPXE scripts served, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly artifactBytes = new Counter({ name: 'netboot_artifact_bytes_total', help: 'Artifact bytes sent, by protocol', labelNames: ['protocol'], registers: [this.registry] });
  readonly unknownMacs = new Counter({ name: 'netboot_unknown_macs_total', help: 'Script requests from MACs not registered', registers: [this.registry] });
  readonly errors = new Counter({ name: 'netboot_errors_total', help: 'Errors, by where they happened', labelNames: ['where'], registers: [this.registry] });
  readonly bootEvents = new Counter({ name: 'netboot_boot_events_total', help: 'Boot events, by type', labelNames: ['type'], registers: [this.registry] });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  subscribeTo(bus: EventBus): () => void {
    return bus.subscribe((e) => {
      this.bootEvents.inc({ type: e.type });
      if (e.type === 'error') this.errors.inc({ where: 'boot' });
      if (e.type === 'tftp' && typeof e.detail?.bytes === 'number') this.artifactBytes.inc({ protocol: 'tftp' }, e.detail.bytes);
    });
  }
}
