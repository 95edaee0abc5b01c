/**
 * The FHIR resources `bars serve` answers with: a CapabilityStatement built from the API table,
 * the shipped BaRS MessageDefinitions for the Applications a scenario names, Slot search
 * bundles, and the resources of a successful request with the scenario's fixed id.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiTable } from '../bars/http/openapi.js';
import { rulesDir } from '../bars/rules/necessity.js';

type J = Record<string, unknown>;

const FHIR_FORMATS = ['application/fhir+json', 'application/fhir+xml'];

export function capabilityStatement(api: ApiTable, role: string, applications: number[], now: Date): J {
  const interactions = new Map<string, Set<string>>();
  const operations: J[] = [];
  for (const p of api.paths) {
    const segs = p.path.split('/').filter(Boolean);
    if (segs[0] === 'metadata') continue;
    if (segs[0]!.startsWith('$')) {
      operations.push({ name: segs[0]!.slice(1), definition: `http://hl7.org/fhir/OperationDefinition/MessageHeader-${segs[0]!.slice(1)}` });
      continue;
    }
    const set = interactions.get(segs[0]!) ?? new Set<string>();
    set.add(segs.length > 1 ? 'read' : 'search-type');
    interactions.set(segs[0]!, set);
  }
  const apps = applications.length ? `BaRS Application${applications.length > 1 ? 's' : ''} ${applications.join(', ')}` : 'any BaRS Application';
  return {
    resourceType: 'CapabilityStatement',
    id: randomUUID(),
    name: `BarsServe${role.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase())}`,
    title: `bars serve: ${role.replace(/-/g, ' ')}`,
    status: 'active',
    date: now.toISOString(),
    publisher: 'bars-toolkit',
    description: `The BaRS receiver simulated by bars serve as a ${role.replace(/-/g, ' ')} (${apps})`,
    kind: 'instance',
    implementation: { description: 'bars serve, a local BaRS receiver simulator' },
    fhirVersion: '4.0.1',
    format: FHIR_FORMATS,
    rest: [
      {
        mode: 'server',
        resource: [...interactions].map(([type, set]) => ({ type, interaction: [...set].map((code) => ({ code })) })),
        operation: operations,
      },
    ],
  };
}

let definitions: J[] | undefined;

/** The BaRS MessageDefinitions shipped in message-definitions/. */
export function shippedMessageDefinitions(): J[] {
  if (!definitions) {
    const dir = join(rulesDir(), '..', 'message-definitions');
    definitions = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as J);
  }
  return definitions;
}

/** A MessageDefinition serves Application n when one of its workflow use contexts is an `a<n>t…` code. */
function servesApplication(md: J, n: number): boolean {
  const uc = (md.useContext as J[] | undefined) ?? [];
  return uc.some((u) => ((u.valueCodeableConcept as J | undefined)?.coding as J[] | undefined)?.some((c) => new RegExp(`^a${n}t\\d+$`).test(String(c.code))));
}

export function searchset(resources: J[], base: string, self: string, now: Date): J {
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: now.toISOString() },
    type: 'searchset',
    total: resources.filter((r) => (r as { _include?: boolean })._include !== true).length,
    link: [{ relation: 'self', url: self }],
    entry: resources.map((r) => {
      const { _include, ...resource } = r as J & { _include?: boolean };
      return { fullUrl: `${base}/${String(resource.resourceType)}/${String(resource.id)}`, resource, search: { mode: _include ? 'include' : 'match' } };
    }),
  };
}

export function messageDefinitionBundle(applications: number[], invalid: boolean, base: string, self: string, now: Date): J {
  const mds = shippedMessageDefinitions().filter((md) => applications.length === 0 || applications.some((a) => servesApplication(md, a)));
  const list: J[] = [...mds];
  // TKW's "invalid MessageDefinitions" answer includes a resource that is no MessageDefinition
  if (invalid) list.push({ resourceType: 'Invoice', id: randomUUID(), status: 'draft' });
  return searchset(list, base, self, now);
}

/**
 * Slots for a HealthcareService: `free` one free slot, `free-and-busy` one of each, `none` an
 * empty bundle, `mandatory` only Slot, Schedule and HealthcareService; the others add the
 * Location and Organization a full answer carries.
 */
export function slotBundle(variant: string, serviceId: string, base: string, self: string, now: Date): J {
  if (variant === 'none') return searchset([], base, self, now);
  const hsId = randomUUID();
  const scheduleId = randomUUID();
  const orgId = randomUUID();
  const locId = randomUUID();
  const start = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const slot = (status: string, offsetMin: number): J => ({
    resourceType: 'Slot',
    id: randomUUID(),
    schedule: { reference: `Schedule/${scheduleId}` },
    status,
    start: new Date(start.getTime() + offsetMin * 60_000).toISOString(),
    end: new Date(start.getTime() + (offsetMin + 15) * 60_000).toISOString(),
  });
  const slots = variant === 'free-and-busy' ? [slot('free', 0), slot('busy', 15)] : [slot('free', 0)];
  const healthcareService: J = {
    resourceType: 'HealthcareService',
    id: hsId,
    identifier: [{ system: 'https://fhir.nhs.uk/Id/dos-service-id', value: serviceId }],
    name: `bars serve test service ${serviceId}`,
    _include: true,
  };
  const schedule: J = { resourceType: 'Schedule', id: scheduleId, actor: [{ reference: `HealthcareService/${hsId}` }], _include: true };
  if (variant === 'mandatory') return searchset([...slots, schedule, healthcareService], base, self, now);
  healthcareService.providedBy = { reference: `Organization/${orgId}` };
  healthcareService.location = [{ reference: `Location/${locId}` }];
  const organization: J = { resourceType: 'Organization', id: orgId, name: 'bars serve test provider', _include: true };
  const location: J = { resourceType: 'Location', id: locId, name: 'bars serve test location', status: 'active', _include: true };
  return searchset([...slots, schedule, healthcareService, organization, location], base, self, now);
}

/** The resource a successful request returns, with the scenario's fixed id. */
export function returnedResource(resourceType: 'Appointment' | 'ServiceRequest', id: string, now: Date): J {
  if (resourceType === 'Appointment') {
    // a booked appointment has its times (invariant app-3)
    const start = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
    return {
      resourceType,
      id,
      meta: { lastUpdated: now.toISOString() },
      status: 'booked',
      start: start.toISOString(),
      end: new Date(start.getTime() + 15 * 60_000).toISOString(),
      participant: [{ status: 'accepted', actor: { display: 'bars serve' } }],
    };
  }
  return { resourceType, id, meta: { lastUpdated: now.toISOString() }, status: 'active', intent: 'plan', subject: { display: 'bars serve test patient' } };
}
