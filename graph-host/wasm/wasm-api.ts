/**
 * The slice of the WebAssembly JS API the host uses, typed locally: the project compiles without the DOM lib
 * (where TypeScript keeps the WebAssembly types), and adding that lib would change every other file's globals.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export type WasmImportValue = ((...args: never[]) => unknown) | WasmMemory;
export type WasmImports = Record<string, Record<string, WasmImportValue>>;

export interface WasmModule {
  readonly __wasmModule: unique symbol;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface WasmDescriptor {
  readonly module: string;
  readonly name: string;
  readonly kind: "function" | "table" | "memory" | "global" | "tag";
}

interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): WasmDescriptor[];
    exports(module: WasmModule): Array<{ readonly name: string; readonly kind: string }>;
  };
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Memory: abstract new (...args: never[]) => WasmMemory;
}

export const Wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export function isMemory(v: unknown): v is WasmMemory {
  return v instanceof (Wasm.Memory as unknown as abstract new () => object);
}
