// b2c system options (DESIGN §4), shared by the profile editor and the per-machine overrides.
import type { FieldError } from '../lib/field-errors';
import { errorAt } from '../lib/field-errors';
import type { B2cOptions } from '../lib/types';
import { Field } from './field';
import { KeyValueEditor } from './key-value';

interface Props {
  value: B2cOptions | undefined;
  onChange: (v: B2cOptions) => void;
  error: FieldError | null;
  readOnly: boolean;
  legend?: string;
}

type TextKey = 'ntpPeer' | 'cacheDevice' | 'swap' | 'hostname' | 'insmods';

const TEXT_FIELDS: { key: TextKey; label: string; hint: string; placeholder?: string }[] = [
  { key: 'hostname', label: 'Hostname', hint: 'b2c.hostname; placeholders like {{machine.name}} work.' },
  { key: 'ntpPeer', label: 'NTP peer', hint: 'b2c.ntp_peer (kept on the kernel line).', placeholder: 'pool.ntp.org' },
  { key: 'cacheDevice', label: 'Cache device', hint: 'b2c.cache_device: a block device, "auto", "reset" or "none".', placeholder: 'none' },
  { key: 'swap', label: 'Swap', hint: 'b2c.swap: size of the swap file on the cache device.', placeholder: '4G' },
  { key: 'insmods', label: 'Kernel modules', hint: 'b2c.insmods: modules to load before the network comes up.' },
];

/** Lists are edited as comma-separated text; split without trimming so typing ", " is not eaten mid-word. */
const toText = (list: string[] | undefined) => (list ?? []).join(',');
const fromText = (text: string) => (text === '' ? undefined : text.split(','));

export function B2cOptionsEditor({ value, onChange, error, readOnly, legend = 'b2c options' }: Props) {
  const v = value ?? {};
  const set = (patch: Partial<B2cOptions>) => onChange({ ...v, ...patch });
  const wipesDisk = v.cacheDevice?.trim() === 'auto';
  return (
    <fieldset class="b2c-options">
      <legend>{legend}</legend>
      <div class="grid">
        {TEXT_FIELDS.map(({ key, label, hint, placeholder }) => (
          <Field key={key} path={`b2c.${key}`} label={label} hint={hint} error={errorAt(error, `b2c.${key}`)}
            control={(p) => (
              <input {...p} type="text" value={v[key] ?? ''} readOnly={readOnly} placeholder={placeholder} spellcheck={false}
                onInput={(e) => set({ [key]: e.currentTarget.value || undefined })} />
            )} />
        ))}
        <Field path="b2c.iface" label="Network interfaces" hint="b2c.iface, comma-separated (one per interface)."
          error={errorAt(error, 'b2c.iface')}
          control={(p) => (
            <input {...p} type="text" value={toText(v.iface)} readOnly={readOnly} spellcheck={false}
              onInput={(e) => set({ iface: fromText(e.currentTarget.value) })} />
          )} />
        <Field path="b2c.filesystem" label="Filesystems" hint="b2c.filesystem, comma-separated."
          error={errorAt(error, 'b2c.filesystem')}
          control={(p) => (
            <input {...p} type="text" value={toText(v.filesystem)} readOnly={readOnly} spellcheck={false}
              onInput={(e) => set({ filesystem: fromText(e.currentTarget.value) })} />
          )} />
        <Field path="b2c.poweroffDelay" label="Power-off delay (s)" hint="b2c.poweroff_delay."
          error={errorAt(error, 'b2c.poweroffDelay')}
          control={(p) => (
            <input {...p} type="number" min={0} step={1} value={v.poweroffDelay ?? ''} readOnly={readOnly}
              onInput={(e) => {
                const n = e.currentTarget.valueAsNumber;
                set({ poweroffDelay: Number.isFinite(n) ? n : undefined });
              }} />
          )} />
      </div>
      {wipesDisk && (
        <div class="alert danger-zone" role="alert" data-testid="cache-auto-warning">
          <strong>⚠ cacheDevice = auto wipes the first disk.</strong> b2c will repartition and format the first disk it
          finds on every machine that boots this {legend.includes('override') ? 'override' : 'profile'}, destroying any
          operating system or data on it. Name a device explicitly unless the machines are disposable.
        </div>
      )}
      <KeyValueEditor path="b2c.extra" legend="Other b2c options (b2c.KEY=VALUE)" keyLabel="option"
        value={v.extra} readOnly={readOnly} error={errorAt(error, 'b2c.extra')}
        onChange={(extra) => set({ extra })} />
    </fieldset>
  );
}
