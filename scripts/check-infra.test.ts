import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkInfra, checkInfraDir, type InfraFile, parseHcl } from './check-infra.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const infraDir = join(repoRoot, 'infra');

function messages(files: InfraFile[], templates: InfraFile[] = [], example?: InfraFile): string[] {
  return checkInfra(files, templates, example).map((p) => `${p.file}:${p.line}: ${p.message}`);
}

const tf = (text: string, path = 'main.tf'): InfraFile => ({ path, text });

describe('check-infra on infra/', () => {
  it('finds no problems in the real Terraform', () => {
    expect(checkInfraDir(infraDir)).toEqual([]);
  });

  it('reads the real files: breaking one declaration or reference in them is reported', () => {
    const files = readdirSync(infraDir)
      .filter((name) => name.endsWith('.tf'))
      .map((name) => ({ path: name, text: readFileSync(join(infraDir, name), 'utf8') }));
    const broken = files.map((f) => ({
      ...f,
      text: f.text
        .replace('variable "turn_ttl_s"', 'variable "turn_ttl_seconds"')
        .replace('google_service_account.relay.email', 'google_service_account.relai.email'),
    }));
    const found = messages(broken, [
      { path: 'turn-startup.sh.tftpl', text: readFileSync(join(infraDir, 'turn-startup.sh.tftpl'), 'utf8') },
    ]);
    // Lines are left out so that editing infra/ does not break this test; file and message must match.
    const withoutLines = found.map((m) => m.replace(/:\d+:/, ':'));
    expect(withoutLines).toContain('cloudrun.tf: var turn_ttl_s is referenced but never declared');
    expect(withoutLines).toContain('variables.tf: var turn_ttl_seconds is declared but never used');
    expect(withoutLines.filter((m) => m.includes('google_service_account.relai'))).toEqual([
      'cloudrun.tf: resource google_service_account.relai is referenced but never declared',
      'outputs.tf: resource google_service_account.relai is referenced but never declared',
      'secrets.tf: resource google_service_account.relai is referenced but never declared',
    ]);
    expect(found).toHaveLength(5);
  });

  it('sets only environment variables the relay reads', () => {
    const envNames = (file: string, local: string) => {
      const items = parseHcl(readFileSync(join(infraDir, file), 'utf8'));
      for (const item of items) {
        if (item.type !== 'block' || item.name !== 'locals') continue;
        const attribute = item.body.find((i) => i.type === 'attribute' && i.name === local);
        if (attribute?.type !== 'attribute') continue;
        return attribute.expr
          .filter((t, i) => t.kind === 'ident' && attribute.expr[i + 1]?.value === '=')
          .map((t) => t.value);
      }
      throw new Error(`no local ${local} in ${file}`);
    };
    const names = [...envNames('cloudrun.tf', 'relay_env'), ...envNames('secrets.tf', 'secret_ids')];
    expect(names).toEqual(
      expect.arrayContaining(['GOOGLE_CLOUD_PROJECT', 'GEMINI_API_KEY', 'RELAY_SECRET', 'TURN_URLS', 'TURN_SECRET']),
    );
    const relaySource = relayFiles()
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unread = names.filter((name) => !relaySource.includes(`env.${name}`) && !relaySource.includes(`'${name}'`));
    expect(unread).toEqual([]);
  });
});

describe('check-infra rules', () => {
  it('reports undeclared and unused variables and locals, and ignores names in plain strings and comments', () => {
    const found = messages([
      tf(`variable "used" {}
variable "unused" {
  default = 1
}
locals {
  a = var.used
  b = "\${var.missing}-text var.not_a_ref $\${var.escaped}"
  # var.in_comment
  c = local.nope
}
output "o" {
  value = local.a // google_x.y is a comment too
}
`),
    ]);
    expect(found).toEqual(
      expect.arrayContaining([
        'main.tf:7: var missing is referenced but never declared',
        'main.tf:9: local nope is referenced but never declared',
        'main.tf:2: var unused is declared but never used',
        'main.tf:7: local b is declared but never used',
        'main.tf:9: local c is declared but never used',
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it('checks resource, data and module references, but not for-expression or dynamic-block names', () => {
    const found = messages([
      tf(`resource "google_a" "x" {
  name = data.google_b.y.name
  dynamic "secret_env" {
    for_each = { for some_key, some_val in google_a.x.map : some_key => some_val.v }
    content {
      value = secret_env.value
    }
  }
  depends_on = [google_c.z, module.m]
}
`),
    ]);
    expect(found).toEqual([
      'main.tf:2: data google_b.y is referenced but never declared',
      'main.tf:9: resource google_c.z is referenced but never declared',
      'main.tf:9: module m is referenced but never declared',
    ]);
  });

  it('reads references inside heredocs and nested interpolations', () => {
    const found = messages([
      tf(`locals {
  script = <<-EOT
    echo \${var.in_heredoc} \${join(",", [for s in var.list : "\${s}-\${local.script}"])}
  EOT
}
output "s" {
  value = local.script
}
`),
    ]);
    expect(found).toEqual([
      'main.tf:3: var in_heredoc is referenced but never declared',
      'main.tf:3: var list is referenced but never declared',
    ]);
  });

  it('reports syntax errors with their line', () => {
    expect(messages([tf('resource "a_b" "c" {\n  x = 1\n')])).toEqual([
      'main.tf:2: syntax: a block is never closed (missing })',
    ]);
    expect(messages([tf('locals {\n  x = [1, 2\n}\n')])).toEqual(['main.tf:3: syntax: unbalanced }']);
    expect(messages([tf('locals {\n  x = "open\n}\n')])).toEqual(['main.tf:2: syntax: newline inside a quoted string']);
    expect(messages([tf('locals {\n  x = \n}\n')])).toEqual(['main.tf:2: syntax: attribute x has no value']);
  });

  it('reports duplicate declarations across files', () => {
    const found = messages([
      tf('resource "google_a" "x" {}\nvariable "v" {}\noutput "o" {\n  value = var.v\n}\n', 'a.tf'),
      tf('resource "google_a" "x" {}\n', 'b.tf'),
    ]);
    expect(found).toEqual(['b.tf:1: resource google_a.x is declared twice']);
  });

  it('checks templatefile() variables against the template', () => {
    const call = tf(`output "o" {
  value = templatefile("\${path.module}/boot.sh.tftpl", { passed = 1, extra = 2 })
}
`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax, not a JS template
    const template = { path: 'boot.sh.tftpl', text: 'A=${passed}\nB=${missing}\nC=$${not_a_var} $HOME\n' };
    expect(messages([call], [template])).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax, not a JS template
      'boot.sh.tftpl:1: template uses ${missing} but main.tf does not pass it',
      'main.tf:2: templatefile passes extra but boot.sh.tftpl never uses it',
    ]);
    expect(messages([call], [])).toEqual(['main.tf:2: templatefile: boot.sh.tftpl not found']);
  });

  it('checks terraform.tfvars.example against the declared variables', () => {
    const files = [
      tf(
        'variable "needed" {}\nvariable "optional" {\n  default = 1\n}\noutput "o" {\n  value = [var.needed, var.optional]\n}\n',
      ),
    ];
    const example = { path: 'terraform.tfvars.example', text: 'optional = 2\n# typo_name = 3\n' };
    expect(messages(files, [], example)).toEqual([
      'terraform.tfvars.example:2: typo_name is not a declared variable',
      'terraform.tfvars.example:1: required variable needed is not set in the example',
    ]);
  });
});

// The Dockerfile's runtime stage copies relay/ and shared/ without relay/live-emulator, relay/test and tests, and
// installs `npm install --omit=dev`. This keeps the relay's import graph inside that.
function relayFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
    }
  };
  walk(join(repoRoot, 'relay'));
  return out;
}

function importClosure(entry: string): { files: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  const specifiers =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)import\s+'([^']+)'/g;
  while (stack.length) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(specifiers)) {
      const spec = (match[1] ?? match[2] ?? match[3]) as string;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (!existsSync(target)) throw new Error(`${relative(repoRoot, file)} imports missing ${spec}`);
        stack.push(target);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
  }
  return { files: [...seen].map((f) => relative(repoRoot, f)), packages };
}

describe('the relay image (Dockerfile)', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

  it('runs the relay compiled by the build script with plain node (tsx only from source, offline)', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain('node --import tsx relay/main.ts');
    expect(dockerfile).toContain('CMD ["node", "dist-relay/relay/main.js"]');
    expect(pkg.scripts.build).toBe('vite build && npm run build:relay');
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/STATIC_DIR=dist/);
  });

  it('holds everything relay/main.ts imports: relay/ and shared/ files and production dependencies only', () => {
    const { files, packages } = importClosure(join(repoRoot, 'relay/main.ts'));
    expect(files.length).toBeGreaterThan(20);
    const outside = files.filter(
      (f) =>
        !/^(relay|shared)\//.test(f) ||
        f.startsWith('relay/live-emulator/') ||
        f.startsWith('relay/test/') ||
        f.endsWith('.test.ts'),
    );
    expect(outside).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect([...packages].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    for (const dir of ['dist-relay', 'dist']) expect(dockerfile).toContain(`COPY --from=build /app/${dir} ./${dir}`);
  });
});

// The TURN VM's startup script, rendered like templatefile() and run by bash with stand-ins for the commands that
// would touch the machine or the network (apt-get, gcloud, curl to the metadata server, systemctl, iptables).
describe('turn-startup.sh.tftpl', () => {
  const render = (text: string, vars: Record<string, string | number>) =>
    text.replace(/(\$?)\$\{([a-z_]+)\}/g, (whole, escaped: string, name: string) => {
      if (escaped) return whole.slice(1);
      if (!(name in vars)) throw new Error(`template variable ${name} not given`);
      return String(vars[name]);
    });

  /** Renders and runs the startup script with stand-ins; returns the coturn config lines and the calls made. */
  const runStartup = (vars: { external_ip: string; tls_listening_port: number }) => {
    const root = mkdtempSync(join(tmpdir(), 'turn-startup-'));
    try {
      const bin = join(root, 'bin');
      const etc = join(root, 'etc');
      mkdirSync(bin);
      mkdirSync(join(etc, 'default'), { recursive: true });
      writeFileSync(join(etc, 'default/coturn'), '#TURNSERVER_ENABLED=1\n');
      const stub = (name: string, body: string) =>
        writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      // The metadata server: the instance's external address (MIG instances read theirs), else its internal one.
      stub('curl', 'case "$*" in *external-ip*) echo 34.9.9.9;; *) echo 10.128.0.5;; esac');
      stub('gcloud', 'echo "$*" >> "$(dirname "$0")/../gcloud.log"; printf %s 0123abcd');
      for (const name of ['apt-get', 'systemctl', 'chown', 'turnserver'])
        stub(name, `echo "${name} $*" >> "$(dirname "$0")/../calls.log"`);
      stub('iptables', 'echo "iptables $*" >> "$(dirname "$0")/../calls.log"; case "$*" in *" -C "*) exit 1;; esac');
      const script = render(readFileSync(join(infraDir, 'turn-startup.sh.tftpl'), 'utf8'), {
        project_id: 'proj',
        secret_id: 'improv-relay-turn-secret',
        realm: 'improv-relay',
        turn_domain: '',
        allowed_peer_ips: '10.8.0.0-10.8.0.255',
        min_port: 49152,
        max_port: 65535,
        listening_port: 3478,
        ...vars,
      }).replaceAll('/etc/', `${etc}/`);
      writeFileSync(join(root, 'startup.sh'), script);
      const result = spawnSync('bash', [join(root, 'startup.sh')], {
        env: { PATH: `${bin}:${process.env.PATH}` },
        encoding: 'utf8',
        timeout: 10_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return {
        conf: readFileSync(join(etc, 'turnserver.conf'), 'utf8').split('\n'),
        gcloud: readFileSync(join(root, 'gcloud.log'), 'utf8'),
        calls: readFileSync(join(root, 'calls.log'), 'utf8'),
        coturnDefaults: readFileSync(join(etc, 'default/coturn'), 'utf8'),
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it('writes a coturn config with the secret from Secret Manager, the NAT mapping and private peers denied', () => {
    const { conf, gcloud, calls, coturnDefaults } = runStartup({ external_ip: '34.1.2.3', tls_listening_port: 5349 });
    expect(conf).toEqual(
      expect.arrayContaining([
        'use-auth-secret',
        'static-auth-secret=0123abcd',
        'realm=improv-relay',
        'no-cli',
        'no-tls',
        'external-ip=34.1.2.3/10.128.0.5',
        'listening-ip=10.128.0.5',
        'min-port=49152',
        'max-port=65535',
        'denied-peer-ip=10.0.0.0-10.255.255.255',
        'denied-peer-ip=169.254.0.0-169.254.255.255',
        'denied-peer-ip=172.16.0.0-172.31.255.255',
        'denied-peer-ip=192.168.0.0-192.168.255.255',
        'allowed-peer-ip=34.1.2.3',
        'allowed-peer-ip=10.8.0.0-10.8.0.255',
      ]),
    );
    expect(gcloud).toBe('secrets versions access latest --secret=improv-relay-turn-secret --project=proj\n');
    expect(calls).toContain('iptables -t nat -A OUTPUT -d 34.1.2.3 -j DNAT --to-destination 10.128.0.5');
    // coturn restarted, then the Ops Agent (logs to Cloud Logging) checked; the stand-in says it runs.
    expect(calls).toMatch(/systemctl restart coturn\nsystemctl is-active --quiet google-cloud-ops-agent\n$/);
    expect(coturnDefaults).toBe('TURNSERVER_ENABLED=1\n');
  });

  it('in the instance group, reads its own external address from the metadata server and serves TLS on 443', () => {
    const { conf, calls } = runStartup({ external_ip: '', tls_listening_port: 443 });
    expect(conf).toEqual(expect.arrayContaining(['external-ip=34.9.9.9/10.128.0.5', 'tls-listening-port=443']));
    expect(calls).toContain('iptables -t nat -A OUTPUT -d 34.9.9.9 -j DNAT --to-destination 10.128.0.5');
  });
});
