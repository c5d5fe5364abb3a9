/**
 * Builds tiny WebAssembly modules by hand for the graph-host tests: a bump allocator exported as `__new` with the
 * AssemblyScript 0.19 header (rtId at ptr - 8, rtSize at ptr - 4), `id_of_type` (identity), `_start`, `memory`,
 * one no-op handler per name, and any function imports (all typed (i32) -> i32) the test wants.
 */

function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const name = (s: string): number[] => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const FUNC = 0x60;

export interface WasmImportSpec {
  readonly module: string;
  readonly name: string;
}

export function buildWasm(options: { imports: readonly WasmImportSpec[]; handlers: readonly string[]; memoryImport?: boolean }): Uint8Array {
  const types = [
    [FUNC, ...vec([[I32], [I32]]), ...vec([[I32]])], // 0: (i32, i32) -> i32
    [FUNC, ...vec([[I32]]), ...vec([[I32]])], // 1: (i32) -> i32
    [FUNC, 0, 0], // 2: () -> ()
  ];
  const imports = options.imports.map((i) => [...name(i.module), ...name(i.name), 0x00, ...uleb(1)]);
  if (options.memoryImport) imports.push([...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]);
  const nImports = options.imports.length;
  const funcs = [0, 1, 2, ...options.handlers.map(() => 1)];
  const newBody = [
    ...vec([[1, I32]]), // one i32 local (index 2)
    0x23, 0, 0x41, ...sleb(20), 0x6a, 0x21, 2, // ptr = heap + 20
    0x20, 2, 0x41, ...sleb(8), 0x6b, 0x20, 1, 0x36, 2, 0, // mem[ptr - 8] = id
    0x20, 2, 0x41, ...sleb(4), 0x6b, 0x20, 0, 0x36, 2, 0, // mem[ptr - 4] = size
    0x20, 2, 0x20, 0, 0x6a, 0x41, ...sleb(15), 0x6a, 0x41, ...sleb(-16), 0x71, 0x24, 0, // heap = align16(ptr + size)
    0x20, 2, 0x0b,
  ];
  const identityBody = [0x00, 0x20, 0, 0x0b];
  const emptyBody = [0x00, 0x0b];
  const code = [newBody, identityBody, emptyBody, ...options.handlers.map(() => identityBody)].map((b) => [...uleb(b.length), ...b]);
  const exports = [
    [...name("__new"), 0x00, ...uleb(nImports)],
    [...name("id_of_type"), 0x00, ...uleb(nImports + 1)],
    [...name("_start"), 0x00, ...uleb(nImports + 2)],
    ...options.handlers.map((h, i) => [...name(h), 0x00, ...uleb(nImports + 3 + i)]),
  ];
  if (!options.memoryImport) exports.push([...name("memory"), 0x02, 0]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((f) => uleb(f)))),
    ...(options.memoryImport ? [] : section(5, vec([[0x00, ...uleb(16)]]))),
    ...section(6, vec([[I32, 0x01, 0x41, ...sleb(1024), 0x0b]])),
    ...section(7, vec(exports)),
    ...section(10, vec(code)),
  ];
  return Uint8Array.from(bytes);
}
