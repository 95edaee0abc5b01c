/**
 * FHIR JSON → FHIR XML, driven by the same compiled plans as the XML reader: elements in
 * definition order, primitives as value="…" with their `_name` id/extensions, xmlAttr
 * elements as attributes, inline resources wrapped in their element, the div as XHTML.
 */
import type { ChildTable, PlanCompiler } from '../compile/compiler.js';
import type { ElementPlan, TypeRef } from '../compile/plan.js';
import { FHIR_NS } from './xml.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

export function toFhirXml(resource: Record<string, unknown>, compiler: PlanCompiler): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeResource(resource, compiler, out, '', true);
  return out.join('\n') + '\n';
}

function writeResource(r: Record<string, unknown>, compiler: PlanCompiler, out: string[], indent: string, root: boolean): void {
  const type = String(r.resourceType);
  const plan = compiler.typePlan(type);
  if (!plan) throw new Error(`Unknown resource type ${type}`);
  out.push(`${indent}<${type}${root ? ` xmlns="${FHIR_NS}"` : ` xmlns="${FHIR_NS}"`}>`);
  writeChildren(r, compiler.children(plan.root), compiler, out, indent + '  ', true);
  out.push(`${indent}</${type}>`);
}

function writeChildren(obj: Record<string, unknown>, table: ChildTable, compiler: PlanCompiler, out: string[], indent: string, isResource: boolean): void {
  for (const el of table.elements) {
    if (el.xmlAttr) continue;
    const names = el.isChoice ? el.types.map((t) => el.name + t.code.charAt(0).toUpperCase() + t.code.slice(1)) : [el.name];
    for (const name of names) {
      if (!(name in obj) && !(`_${name}` in obj)) continue;
      const slot = table.get(name)!;
      const type = slot.type ?? (el.types.length === 1 ? el.types[0] : undefined);
      const values = obj[name];
      const exts = obj[`_${name}`];
      const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
      const extList = Array.isArray(exts) ? exts : exts === undefined ? [] : [exts];
      const n = Math.max(list.length, extList.length);
      for (let i = 0; i < n; i++) writeValue(name, list[i], extList[i], el, type, compiler, out, indent);
    }
  }
  void isResource;
}

function writeValue(name: string, value: unknown, ext: unknown, el: ElementPlan, type: TypeRef | undefined, compiler: PlanCompiler, out: string[], indent: string): void {
  const code = type?.code ?? 'BackboneElement';
  if (code === 'xhtml') {
    out.push(`${indent}${String(value)}`);
    return;
  }
  if (code === 'Resource' || compiler.typePlan(code)?.kind === 'resource') {
    out.push(`${indent}<${name}>`);
    writeResource(value as Record<string, unknown>, compiler, out, indent + '  ', false);
    out.push(`${indent}</${name}>`);
    return;
  }
  if (compiler.isPrimitive(code)) {
    const e = ext as Record<string, unknown> | undefined | null;
    const attrs = `${e?.id !== undefined ? ` id="${esc(String(e.id))}"` : ''}${value !== undefined && value !== null ? ` value="${esc(String(value))}"` : ''}`;
    const extensions = Array.isArray(e?.extension) ? (e!.extension as unknown[]) : [];
    if (extensions.length === 0) out.push(`${indent}<${name}${attrs}/>`);
    else {
      out.push(`${indent}<${name}${attrs}>`);
      const extTable = compiler.children(el, type);
      const extSlot = extTable.get('extension')!;
      for (const x of extensions) writeValue('extension', x, undefined, extSlot.el, extSlot.el.types[0], compiler, out, indent + '  ');
      out.push(`${indent}</${name}>`);
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  const table = compiler.children(el, type);
  const attrs = [...table.slots.entries()]
    .filter(([n, s]) => s.el.xmlAttr && obj[n] !== undefined)
    .map(([n]) => ` ${n}="${esc(String(obj[n]))}"`)
    .join('');
  out.push(`${indent}<${name}${attrs}>`);
  writeChildren(obj, table, compiler, out, indent + '  ', false);
  out.push(`${indent}</${name}>`);
}
