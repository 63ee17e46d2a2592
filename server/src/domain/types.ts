// Plain data shapes shared by the domain modules, the store and the API. The API's TypeBox schemas mirror
// these (http/schemas.ts); the domain never imports the API.

export type Arch = 'x86_64' | 'arm64' | 'riscv64';
export type MachineState = 'discovered' | 'ready' | 'disabled';
export type B2cDialect = 'run' | 'container';
export type VolumeCondition = 'pipeline_start' | 'container_start' | 'container_end' | 'pipeline_end' | 'changes';

export interface VolumeSpec {
  name: string;
  pullOn?: VolumeCondition[];
  pushOn?: VolumeCondition[];
  overwrite?: boolean;
  remove?: boolean;
  preserve?: boolean;
  exclude?: string[];
  expiration?: 'never' | 'pipeline_end';
}

/** b2c system options (DESIGN §4). Boot-critical ones go on the kernel line, the rest in the extra document. */
export interface B2cOptions {
  ntpPeer?: string;
  cacheDevice?: string;
  swap?: string;
  hostname?: string;
  iface?: string[];
  filesystem?: string[];
  insmods?: string;
  poweroffDelay?: number;
  /** Any other `b2c.KEY=VALUE` (KEY without the `b2c.` prefix) for the extra document. */
  extra?: Record<string, string>;
}

export interface ProfileSpec {
  name: string;
  description?: string;
  /** Artifact name or absolute http(s) URL. */
  kernel: string;
  initramfs: string;
  arch?: Arch;
  containers: string[];
  postContainers?: string[];
  services?: string[];
  pipefail?: boolean;
  volumes?: VolumeSpec[];
  b2c?: B2cOptions;
  /** Extra kernel arguments appended to the kernel line (e.g. `console=ttyS0`). */
  kernelArgs?: string;
  b2cDialect?: B2cDialect;
}

export interface MachineSpec {
  mac: string;
  name?: string;
  profile?: string | null;
  state?: MachineState;
  kernelArgs?: string;
  b2c?: B2cOptions;
  variables?: Record<string, string>;
}

/** A validation failure: `field` is a JSON path into the submitted object (`containers[2]`, `b2c.hostname`). */
export interface FieldError {
  field: string;
  message: string;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; error: FieldError };
