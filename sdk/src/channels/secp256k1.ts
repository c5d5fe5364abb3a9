import { SigningKey, getBytes, hexlify } from "ethers";

/**
 * The elliptic-curve operations voucher signing and checking need, behind one small interface so a provider
 * can pick a fast native implementation without changing any call site.
 *
 * - `ethersBackend`: pure JavaScript (ethers v6 / noble), works everywhere.
 * - `nativeBackend()`: libsecp256k1 through the `secp256k1` npm package's prebuilt binding (linux-x64,
 *   darwin-arm64, win32-x64), about 15x faster for recovery. Returns `undefined` when no binary loads.
 *
 * Both sign deterministically (RFC 6979) with low-s normalisation, so they produce byte-identical signatures.
 */
export interface Secp256k1Backend {
  readonly name: "native" | "ethers";
  /** 64-byte compact `r || s` (low-s) and the recovery id. */
  sign(digest: Uint8Array, privateKey: Uint8Array): { compact: Uint8Array; recoveryId: number };
  /** The 65-byte uncompressed public key that produced `compact`, or `undefined` when none does. */
  recover(digest: Uint8Array, compact: Uint8Array, recoveryId: number): Uint8Array | undefined;
  /** Whether `compact` (low-s) is a signature of `digest` by `publicKey` (65-byte uncompressed). */
  verify(digest: Uint8Array, compact: Uint8Array, publicKey: Uint8Array): boolean;
  /** 65-byte uncompressed public key of `privateKey`. */
  publicKey(privateKey: Uint8Array): Uint8Array;
}

function toRecoverable(compact: Uint8Array, recoveryId: number): { r: string; s: string; v: number } {
  return { r: hexlify(compact.subarray(0, 32)), s: hexlify(compact.subarray(32, 64)), v: 27 + recoveryId };
}

/** Pure-JavaScript backend on ethers v6. */
export const ethersBackend: Secp256k1Backend = {
  name: "ethers",
  sign(digest, privateKey) {
    const sig = new SigningKey(privateKey).sign(digest);
    const compact = new Uint8Array(64);
    compact.set(getBytes(sig.r), 0);
    compact.set(getBytes(sig.s), 32);
    return { compact, recoveryId: sig.yParity };
  },
  recover(digest, compact, recoveryId) {
    try {
      return getBytes(SigningKey.recoverPublicKey(digest, toRecoverable(compact, recoveryId)));
    } catch {
      return undefined;
    }
  },
  verify(digest, compact, publicKey) {
    // ethers has no verify primitive: recover with both parities and compare.
    const expected = hexlify(publicKey);
    for (const recoveryId of [0, 1]) {
      const recovered = this.recover(digest, compact, recoveryId);
      if (recovered !== undefined && hexlify(recovered) === expected) return true;
    }
    return false;
  },
  publicKey(privateKey) {
    return getBytes(new SigningKey(privateKey).publicKey);
  },
};

/** The subset of the `secp256k1` package (v4) the native backend uses. */
interface NativeSecp256k1 {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
  publicKeyCreate(seckey: Uint8Array, compressed: boolean): Uint8Array;
}

function isNativeSecp256k1(value: unknown): value is NativeSecp256k1 {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.ecdsaSign === "function" &&
    typeof v.ecdsaRecover === "function" &&
    typeof v.ecdsaVerify === "function" &&
    typeof v.publicKeyCreate === "function"
  );
}

let nativeCache: Secp256k1Backend | null | undefined;

/**
 * libsecp256k1 through the `secp256k1` package's prebuilt binary, or `undefined` when it cannot load. Loads
 * `secp256k1/bindings` directly: the package's main entry silently falls back to a slow pure-JS curve.
 */
export function nativeBackend(): Secp256k1Backend | undefined {
  if (nativeCache !== undefined) return nativeCache ?? undefined;
  let lib: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lib = require("secp256k1/bindings") as unknown;
  } catch {
    nativeCache = null;
    return undefined;
  }
  if (!isNativeSecp256k1(lib)) {
    nativeCache = null;
    return undefined;
  }
  const native = lib;
  nativeCache = {
    name: "native",
    sign(digest, privateKey) {
      const { signature, recid } = native.ecdsaSign(digest, privateKey);
      return { compact: signature, recoveryId: recid };
    },
    recover(digest, compact, recoveryId) {
      try {
        return native.ecdsaRecover(compact, recoveryId, digest, false);
      } catch {
        return undefined;
      }
    },
    verify(digest, compact, publicKey) {
      try {
        return native.ecdsaVerify(compact, digest, publicKey);
      } catch {
        return false;
      }
    },
    publicKey(privateKey) {
      return native.publicKeyCreate(privateKey, false);
    },
  };
  return nativeCache;
}

/** The native backend when it loads, else the ethers one. */
export function defaultBackend(): Secp256k1Backend {
  return nativeBackend() ?? ethersBackend;
}
