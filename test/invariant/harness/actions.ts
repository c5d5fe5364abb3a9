import { type Wallet, ZeroHash, keccak256, toBeHex } from "ethers";
import { type Addr, type TxResult, callAt, channelIdOf, iface, rpc } from "./chain";
import {
  type CreateJobInput,
  type FundingMeta,
  type ListingInput,
  type VoucherMeta,
  Sim,
  Source,
  UINT256_MAX,
  ZERO,
  ZERO_HASH,
  fail,
} from "./model";
import { type Exec, type Harness, BALANCE, I, TRANSFER, fundingArg } from "./world";

/*
 * One builder per state-changing function: each returns the transaction (calldata, sender) together with the
 * model action that predicts it. Signatures (permits, EIP-3009 authorizations, wallet proofs, owner
 * pre-approvals, vouchers) are made here with local keys; the model is told who signed what, over which values.
 */

export type FundingKind =
  | "balance"
  | "transfer"
  | "permit"
  | "permitBadSigner"
  | "permitExpired"
  | "auth"
  | "authExpired"
  | "authReplay"
  | "authBadSigner"
  | "badLength";
export const FUNDING_KINDS: FundingKind[] = [
  "balance",
  "transfer",
  "permit",
  "permitBadSigner",
  "permitExpired",
  "auth",
  "authExpired",
  "authReplay",
  "authBadSigner",
  "badLength",
];

export type WalletProofKind = "ok" | "wrongSigner" | "expired" | "tooFar" | "staleNonce" | "zero";
export type ApprovalSigKind = "ok" | "wrongSigner" | "staleNonce" | "expired";
export type VoucherKind = "ok" | "wrongSigner" | "wrongEpoch" | "stale" | "aboveDeposit" | "otherChannel" | "badLength";

export class Actions {
  constructor(public readonly h: Harness) {}

  get s() {
    return this.h.s;
  }

  w(world: number) {
    return this.h.chain.worlds[world];
  }

  /** The key that signs for `account`: its own, or its controller's for a FuzzWallet. */
  key(account: Addr): Wallet {
    const c = this.s.walletController[account];
    const k = this.h.chain.keys[c ?? account];
    if (!k) throw new Error(`no key for ${account}`);
    return k;
  }

  async sign(key: Wallet, ...args: Parameters<Wallet["signTypedData"]>): Promise<string> {
    const t0 = performance.now();
    const sig = await key.signTypedData(...args);
    this.h.counters.ms.sign = (this.h.counters.ms.sign ?? 0) + (performance.now() - t0);
    return sig;
  }

  signerOf(account: Addr): Addr {
    return this.s.walletController[account] ?? account;
  }

  /* FUNDING */

  async funding(world: number, caller: Addr, amount: bigint, kind: FundingKind): Promise<{ meta: FundingMeta; arg: unknown }> {
    if (kind === "balance") return { meta: BALANCE, arg: fundingArg(BALANCE, "0x") };
    if (kind === "transfer") return { meta: TRANSFER, arg: fundingArg(TRANSFER, "0x") };
    const wc = this.w(world);
    const token = this.s.worlds[world].token;
    const now = this.s.now;
    const domain = { name: "USD Coin", version: "2", chainId: this.h.chain.chainId, verifyingContract: wc.token };
    if (kind === "badLength") {
      const meta: FundingMeta = { ...BALANCE, source: Source.Permit, validBefore: now + 3600n, sigLen: 64 };
      return { meta, arg: fundingArg(meta, "0x" + "11".repeat(64)) };
    }
    if (kind.startsWith("permit")) {
      const signerAddr = kind === "permitBadSigner" ? this.h.chain.eoa[10] : this.signerOf(caller);
      const deadline = kind === "permitExpired" ? now - 1n : now + 3600n;
      const nonce = token.permitNonce[caller] ?? 0n;
      const sig = await this.sign(
        this.key(signerAddr),
        domain,
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: caller, spender: wc.vault, value: amount, nonce, deadline },
      );
      const meta: FundingMeta = {
        source: Source.Permit,
        signer: signerAddr,
        validAfter: 0n,
        validBefore: deadline,
        nonce: ZeroHash,
        sigLen: 65,
        permitNonce: nonce,
      };
      return { meta, arg: fundingArg(meta, sig) };
    }
    // EIP-3009 receiveWithAuthorization
    const signerAddr = kind === "authBadSigner" ? this.h.chain.eoa[10] : this.signerOf(caller);
    let nonce: string;
    if (kind === "authReplay" && token.lastAuthNonce !== ZeroHash) nonce = token.lastAuthNonce;
    else {
      token.authCounter += 1n;
      nonce = keccak256(toBeHex(token.authCounter, 32)).toLowerCase();
    }
    token.lastAuthNonce = nonce;
    const validAfter = now - 10n;
    const validBefore = kind === "authExpired" ? now : now + 3600n;
    const sig = await this.sign(
      this.key(signerAddr),
      domain,
      {
        ReceiveWithAuthorization: [
          { name: "from", type: "address" },
          { name: "to", type: "address" },
          { name: "value", type: "uint256" },
          { name: "validAfter", type: "uint256" },
          { name: "validBefore", type: "uint256" },
          { name: "nonce", type: "bytes32" },
        ],
      },
      { from: caller, to: wc.vault, value: amount, validAfter, validBefore, nonce },
    );
    const meta: FundingMeta = {
      source: Source.Authorization,
      signer: signerAddr,
      validAfter,
      validBefore,
      nonce,
      sigLen: 65,
      permitNonce: 0n,
    };
    return { meta, arg: fundingArg(meta, sig) };
  }

  /* REGISTRY (shared by both worlds; its model lives at the state level, world index is irrelevant) */

  /** The three `register` overloads; `meta` picks the metadata entries (some invalid). */
  register(sender: Addr, variant: "uri" | "plain" | "meta" | "longUri" | "tooMany" | "badKey" | "reserved" = "uri"): Exec {
    const uri = variant === "longUri" ? "x".repeat(513) : "ipfs://fuzz-agent";
    const entries: { key: string; value: string }[] =
      variant === "meta"
        ? [
            { key: "model", value: "0x01" },
            { key: "endpoint", value: "0x0203" },
          ]
        : variant === "tooMany"
          ? Array.from({ length: 17 }, (_, i) => ({ key: `k${i}`, value: "0x" }))
          : variant === "badKey"
            ? [{ key: "", value: "0x01" }]
            : variant === "reserved"
              ? [{ key: "agentWallet", value: "0x01" }]
              : [];
    const data =
      variant === "plain"
        ? I.registry().encodeFunctionData("register()", [])
        : variant === "uri" || variant === "longUri"
          ? I.registry().encodeFunctionData("register(string)", [uri])
          : I.registry().encodeFunctionData("register(string,(string,bytes)[])", [uri, entries.map((e) => [e.key, e.value])]);
    return {
      label: `register(${variant}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data,
      model: (m) =>
        m.register(
          variant === "plain" ? 0 : uri.length,
          entries.map((e) => ({ key: e.key, valueLength: (e.value.length - 2) / 2 })),
        ),
    };
  }

  approveAgentNft(agentId: bigint, to: Addr, sender: Addr): Exec {
    return {
      label: `approveAgentNft(agent ${agentId} -> ${this.h.label(to)}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("approve", [to, agentId]),
      model: (m) => m.approveNft(to, agentId),
    };
  }

  setApprovalForAll(operator: Addr, approved: boolean, sender: Addr): Exec {
    return {
      label: `setApprovalForAll(${this.h.label(operator)}, ${approved}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("setApprovalForAll", [operator, approved]),
      model: (m) => m.setApprovalForAll(operator, approved),
    };
  }

  async setAgentWallet(agentId: bigint, sender: Addr, newWallet: Addr, kind: WalletProofKind): Promise<Exec> {
    const a = this.s.agents[Number(agentId) - 1];
    const owner = a ? a.owner : ZERO;
    const nonce = (a ? a.nonce : 0n) - (kind === "staleNonce" ? 1n : 0n);
    const now = this.s.now;
    const deadline = kind === "expired" ? now - 1n : kind === "tooFar" ? now + 301n : now + 300n;
    const target = kind === "zero" ? ZERO : newWallet;
    const signerAddr = kind === "wrongSigner" ? this.h.chain.eoa[10] : this.signerOf(newWallet);
    const sig = await this.sign(
      this.key(signerAddr),
      { name: "Agora AgentRegistry", version: "1", chainId: this.h.chain.chainId, verifyingContract: this.h.chain.registry },
      {
        SetAgentWallet: [
          { name: "agentId", type: "uint256" },
          { name: "newWallet", type: "address" },
          { name: "owner", type: "address" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { agentId, newWallet: target, owner, nonce: nonce < 0n ? 0n : nonce, deadline },
    );
    return {
      label: `setAgentWallet(agent ${agentId}, ${this.h.label(target)}, proof ${kind}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("setAgentWallet", [agentId, target, deadline, sig]),
      model: (m) => m.setAgentWallet(agentId, target, deadline, signerAddr, nonce < 0n ? 0n : nonce, owner),
    };
  }

  unsetAgentWallet(agentId: bigint, sender: Addr): Exec {
    return {
      label: `unsetAgentWallet(agent ${agentId}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("unsetAgentWallet", [agentId]),
      model: (m) => m.unsetAgentWallet(agentId),
    };
  }

  setFrozen(agentId: bigint, frozen: boolean, sender: Addr): Exec {
    return {
      label: `${frozen ? "freeze" : "unfreeze"}(agent ${agentId}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData(frozen ? "freeze" : "unfreeze", [agentId]),
      model: (m) => m.setFrozen(agentId, frozen),
    };
  }

  transferAgent(agentId: bigint, to: Addr, sender: Addr): Exec {
    const a = this.s.agents[Number(agentId) - 1];
    const from = a ? a.owner : sender;
    return {
      label: `transferAgent(agent ${agentId} -> ${this.h.label(to)}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("transferFrom", [from, to, agentId]),
      model: (m) => m.transferAgent(agentId, to),
    };
  }

  setAgentURI(agentId: bigint, sender: Addr, long: boolean): Exec {
    const uri = long ? "x".repeat(513) : "ipfs://fuzz-updated";
    return {
      label: `setAgentURI(agent ${agentId}, ${long ? "513 bytes" : "ok"}, by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("setAgentURI", [agentId, uri]),
      model: (m) => m.setAgentURI(agentId, uri.length),
    };
  }

  setMetadata(agentId: bigint, sender: Addr, key: string): Exec {
    return {
      label: `setMetadata(agent ${agentId}, "${key}", by ${this.h.label(sender)})`,
      world: 0,
      allWorlds: true,
      sender,
      to: this.h.chain.registry,
      data: I.registry().encodeFunctionData("setMetadata", [agentId, key, "0x1234"]),
      model: (m) => m.setMetadata(agentId, key, 2),
    };
  }

  /* VAULT */

  private vx(world: number, label: string, sender: Addr, fn: string, args: unknown[], model: (m: Sim) => unknown, ledger = false): Exec {
    return {
      label: `${this.s.worlds[world].name === "usdc" ? "" : "ft."}${label}`,
      world,
      sender,
      to: this.w(world).vault,
      data: I.vault().encodeFunctionData(fn, args),
      model,
      ledger,
    };
  }

  async deposit(world: number, agentId: bigint, amount: bigint, sender: Addr, fk: FundingKind): Promise<Exec> {
    const f = await this.funding(world, sender, amount, fk);
    return this.vx(
      world,
      `deposit(agent ${agentId}, ${amount}, ${fk}, by ${this.h.label(sender)})`,
      sender,
      "deposit",
      [agentId, amount, f.arg],
      (m) => m.deposit(agentId, amount, f.meta),
    );
  }

  withdraw(world: number, agentId: bigint, amount: bigint, sender: Addr): Exec {
    return this.vx(world, `withdraw(agent ${agentId}, ${amount}, by ${this.h.label(sender)})`, sender, "withdraw", [agentId, amount], (m) =>
      m.withdraw(agentId, amount),
    );
  }

  setPayout(world: number, agentId: bigint, payout: Addr, sender: Addr): Exec {
    return this.vx(
      world,
      `setPayoutAddress(agent ${agentId}, ${this.h.label(payout)}, by ${this.h.label(sender)})`,
      sender,
      "setPayoutAddress",
      [agentId, payout],
      (m) => m.setPayoutAddress(agentId, payout),
    );
  }

  withdrawCredit(world: number, to: Addr, amount: bigint, sender: Addr): Exec {
    return this.vx(
      world,
      `withdrawCredit(${this.h.label(to)}, ${amount}, by ${this.h.label(sender)})`,
      sender,
      "withdrawCredit",
      [to, amount],
      (m) => m.withdrawCredit(to, amount),
    );
  }

  claimFees(world: number, sender: Addr): Exec {
    return this.vx(world, `claimFees(by ${this.h.label(sender)})`, sender, "claimFees", [], (m) => m.claimFees());
  }

  setLimits(world: number, agentId: bigint, perTx: bigint, daily: bigint, allowlistOnly: boolean, sender: Addr): Exec {
    return this.vx(
      world,
      `setSpendingLimits(agent ${agentId}, perTx ${perTx}, daily ${daily}, allowlistOnly ${allowlistOnly}, by ${this.h.label(sender)})`,
      sender,
      "setSpendingLimits",
      [agentId, [perTx, daily, allowlistOnly]],
      (m) => m.setSpendingLimits(agentId, perTx, daily, allowlistOnly),
    );
  }

  setAllowlisted(world: number, agentId: bigint, cp: bigint, allowed: boolean, sender: Addr): Exec {
    return this.vx(
      world,
      `setAllowlisted(agent ${agentId}, cp ${cp}, ${allowed}, by ${this.h.label(sender)})`,
      sender,
      "setAllowlisted",
      [agentId, cp, allowed],
      (m) => m.setAllowlisted(agentId, cp, allowed),
    );
  }

  async approveCommitment(
    world: number,
    agentId: bigint,
    cp: bigint,
    amount: bigint,
    deadline: bigint,
    kind: ApprovalSigKind,
    sender: Addr,
  ): Promise<Exec> {
    const a = this.s.agents[Number(agentId) - 1];
    const owner = a ? a.owner : this.h.chain.eoa[10];
    const ap = this.s.worlds[world].approvals[agentId.toString()];
    const cur = ap ? ap.nextNonce : 0n;
    const nonce = kind === "staleNonce" && cur > 0n ? cur - 1n : kind === "staleNonce" ? cur + 1n : cur;
    const signerAddr = kind === "wrongSigner" ? this.h.chain.eoa[10] : this.signerOf(owner);
    const dl = kind === "expired" ? this.s.now - 1n : deadline;
    const sig = await this.sign(
      this.key(signerAddr),
      { name: "AgoraVault", version: "1", chainId: this.h.chain.chainId, verifyingContract: this.w(world).vault },
      {
        CommitmentApproval: [
          { name: "agentId", type: "uint256" },
          { name: "counterpartyId", type: "uint256" },
          { name: "amount", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { agentId, counterpartyId: cp, amount, nonce, deadline: dl },
    );
    return this.vx(
      world,
      `approveCommitment(agent ${agentId}, cp ${cp}, ${amount}, deadline ${dl}, sig ${kind}, by ${this.h.label(sender)})`,
      sender,
      "approveCommitment",
      [agentId, cp, amount, dl, sig],
      (m) => m.approveCommitment(agentId, cp, amount, dl, signerAddr, nonce),
    );
  }

  cancelApproval(world: number, agentId: bigint, sender: Addr): Exec {
    return this.vx(
      world,
      `cancelCommitmentApproval(agent ${agentId}, by ${this.h.label(sender)})`,
      sender,
      "cancelCommitmentApproval",
      [agentId],
      (m) => m.cancelCommitmentApproval(agentId),
    );
  }

  pause(world: number, on: boolean, sender: Addr): Exec {
    return this.vx(world, `${on ? "pause" : "unpause"}(by ${this.h.label(sender)})`, sender, on ? "pause" : "unpause", [], (m) =>
      on ? m.pause() : m.unpause(),
    );
  }

  setProtocolFee(world: number, bps: bigint, sender: Addr): Exec {
    return this.vx(world, `setProtocolFee(${bps}, by ${this.h.label(sender)})`, sender, "setProtocolFee", [bps], (m) =>
      m.setProtocolFee(bps),
    );
  }

  setFeeRecipient(world: number, to: Addr, sender: Addr): Exec {
    return this.vx(world, `setFeeRecipient(${this.h.label(to)}, by ${this.h.label(sender)})`, sender, "setFeeRecipient", [to], (m) =>
      m.setFeeRecipient(to),
    );
  }

  setGuardian(world: number, to: Addr, sender: Addr): Exec {
    return this.vx(world, `setGuardian(${this.h.label(to)}, by ${this.h.label(sender)})`, sender, "setGuardian", [to], (m) =>
      m.setGuardian(to),
    );
  }

  transferOwnership(world: number, to: Addr, sender: Addr): Exec {
    return this.vx(world, `transferOwnership(${this.h.label(to)}, by ${this.h.label(sender)})`, sender, "transferOwnership", [to], (m) =>
      m.transferOwnership(to),
    );
  }

  renounceOwnership(world: number, sender: Addr): Exec {
    return this.vx(world, `renounceOwnership(by ${this.h.label(sender)})`, sender, "renounceOwnership", [], (m) => m.renounceOwnership());
  }

  acceptOwnership(world: number, sender: Addr): Exec {
    return this.vx(world, `acceptOwnership(by ${this.h.label(sender)})`, sender, "acceptOwnership", [], (m) => m.acceptOwnership());
  }

  /** Calls only a module, the deployer or a writer may make, from someone else: each must revert. */
  illegal(world: number, which: number, sender: Addr): Exec {
    const wc = this.w(world);
    const f = fundingArg(BALANCE, "0x");
    const cases: [string, Addr, string, (m: Sim) => unknown][] = [
      [
        "vault.commit",
        wc.vault,
        I.vault().encodeFunctionData("commit", [1n, 2n, sender, 1n, false, f]),
        (m) => fail("VaultNotModule", m.sender),
      ],
      ["vault.release", wc.vault, I.vault().encodeFunctionData("release", [1n, 1n, 0n]), (m) => fail("VaultNotModule", m.sender)],
      ["vault.releaseTo", wc.vault, I.vault().encodeFunctionData("releaseTo", [sender, 1n]), (m) => fail("VaultNotModule", m.sender)],
      [
        "vault.setModules",
        wc.vault,
        I.vault().encodeFunctionData("setModules", [sender, sender]),
        (m) => (m.sender === this.h.chain.eoa[0] ? fail("VaultModulesAlreadySet") : fail("VaultNotDeployer", m.sender)),
      ],
      [
        "ledger.recordCompleted",
        wc.ledger,
        I.ledger().encodeFunctionData("recordCompleted", [2n, 1n, 1n, 5n, 1n, true]),
        (m) => fail("LedgerNotWriter", m.sender),
      ],
      [
        "ledger.recordRefundedLate",
        wc.ledger,
        I.ledger().encodeFunctionData("recordRefundedLate", [2n, 1n, 1n, 5n]),
        (m) => fail("LedgerNotWriter", m.sender),
      ],
      [
        "ledger.recordDispute",
        wc.ledger,
        I.ledger().encodeFunctionData("recordDispute", [2n, 1n, 1n, 0n, 0n]),
        (m) => fail("LedgerNotWriter", m.sender),
      ],
      [
        "ledger.recordChannelVolume",
        wc.ledger,
        I.ledger().encodeFunctionData("recordChannelVolume", [2n, 1n, 1n, 5n]),
        (m) => fail("LedgerNotWriter", m.sender),
      ],
      [
        "ledger.recordFeedback",
        wc.ledger,
        I.ledger().encodeFunctionData("recordFeedback", [2n, 1n, 1n, 100n, 5n, "", "", "", ZeroHash]),
        (m) => fail("LedgerNotWriter", m.sender),
      ],
      [
        "ledger.setWriters",
        wc.ledger,
        I.ledger().encodeFunctionData("setWriters", [sender, sender]),
        (m) => (m.sender === this.h.chain.eoa[0] ? fail("LedgerWritersAlreadySet") : fail("LedgerNotDeployer", m.sender)),
      ],
      ["escrow.rule", wc.escrow, I.escrow().encodeFunctionData("rule", [1n, 5_000n]), (m) => m.rule(1n, m.sender, 5_000n)],
    ];
    const [name, to, data, model] = cases[which % cases.length];
    return {
      label: `${this.s.worlds[world].name === "usdc" ? "" : "ft."}illegal ${name}(by ${this.h.label(sender)})`,
      world,
      sender,
      to,
      data,
      model,
      ledger: false,
    };
  }

  /* TOKEN ENVIRONMENT */

  mint(world: number, to: Addr, amount: bigint): Exec {
    const wc = this.w(world);
    const isUsdc = world === 0;
    return {
      label: `${isUsdc ? "" : "ft."}mint(${this.h.label(to)}, ${amount})`,
      world,
      sender: this.h.chain.eoa[0],
      to: wc.token,
      data: (isUsdc ? I.usdc() : I.ftoken()).encodeFunctionData("mint", [to, amount]),
      model: (m) => {
        if (isUsdc && m.w.token.blacklist[to]) fail("USDCBlacklisted", to);
        if (!isUsdc && m.w.token.blacklist[to]) fail("FuzzTokenBlacklisted", to);
        m.w.token.bal[to] = (m.w.token.bal[to] ?? 0n) + amount;
      },
    };
  }

  approveVault(world: number, holder: Addr, amount: bigint): Exec {
    const wc = this.w(world);
    return {
      label: `${world === 0 ? "" : "ft."}token.approve(vault, ${amount === UINT256_MAX ? "max" : amount}, by ${this.h.label(holder)})`,
      world,
      sender: holder,
      to: wc.token,
      data: I.usdc().encodeFunctionData("approve", [wc.vault, amount]),
      model: (m) => {
        m.w.token.allow[holder] = amount;
      },
    };
  }

  /** A direct token transfer to the vault: nobody's balance, so solvency must hold with a surplus. */
  donate(world: number, from: Addr, amount: bigint): Exec {
    const wc = this.w(world);
    return {
      label: `${world === 0 ? "" : "ft."}donate(${amount}, by ${this.h.label(from)})`,
      world,
      sender: from,
      to: wc.token,
      data: I.usdc().encodeFunctionData("transfer", [wc.vault, amount]),
      model: (m) => {
        // Outside any vault call the hook's claimFees really runs: with fees accrued it succeeds, and the token
        // reports the re-entry by reverting.
        if (
          m.w.token.armedWith === "vault.claimFees()" &&
          m.w.fees > 0n &&
          !m.w.token.blacklist[from] &&
          !m.w.token.blacklist[m.w.vault] &&
          !m.w.token.blacklist[m.w.feeRecipient]
        ) {
          fail("FuzzTokenReentered", m.w.vault);
        }
        const before = m.w.token.bal[m.w.vault] ?? 0n;
        m.tokenTransfer(from, m.w.vault, amount);
        m.w.donated += (m.w.token.bal[m.w.vault] ?? 0n) - before;
      },
    };
  }

  blacklist(world: number, account: Addr, on: boolean): Exec {
    const wc = this.w(world);
    const data =
      world === 0
        ? I.usdc().encodeFunctionData(on ? "blacklist" : "unBlacklist", [account])
        : I.ftoken().encodeFunctionData("setBlacklisted", [account, on]);
    return {
      label: `${world === 0 ? "" : "ft."}${on ? "blacklist" : "unblacklist"}(${this.h.label(account)})`,
      world,
      sender: this.h.chain.eoa[0],
      to: wc.token,
      data,
      model: (m) => {
        m.w.token.blacklist[account] = on;
      },
    };
  }

  setFeeOnTransfer(on: boolean): Exec {
    return {
      label: `ft.setFeeOnTransfer(${on})`,
      world: 1,
      sender: this.h.chain.eoa[0],
      to: this.w(1).token,
      data: I.ftoken().encodeFunctionData("setFeeOnTransfer", [on]),
      model: (m) => {
        m.w.token.feeOn = on;
      },
    };
  }

  /** Arms the token's re-entrancy hook with a call into the vault's guarded functions (it must always fail). */
  arm(which: number): Exec {
    const wc = this.w(1);
    const targets: [string, Addr, string][] = [
      ["none", ZERO, "0x"],
      ["vault.withdraw(1, 1)", wc.vault, I.vault().encodeFunctionData("withdraw", [1n, 1n])],
      ["vault.claimFees()", wc.vault, I.vault().encodeFunctionData("claimFees", [])],
      ["vault.deposit(1, 1, transfer)", wc.vault, I.vault().encodeFunctionData("deposit", [1n, 1n, fundingArg(TRANSFER, "0x")])],
      ["vault.withdrawCredit(drain, 1)", wc.vault, I.vault().encodeFunctionData("withdrawCredit", [wc.holders[0], 1n])],
    ];
    const [name, target, data] = targets[which % targets.length];
    return {
      label: `ft.armReentrancy(${name})`,
      world: 1,
      sender: this.h.chain.eoa[0],
      to: wc.token,
      data: I.ftoken().encodeFunctionData("arm", [target, data]),
      model: (m) => {
        m.w.token.armed = target !== ZERO;
        m.w.token.armedWith = target === ZERO ? "" : name;
      },
    };
  }

  setRefuseAll(wallet: Addr, on: boolean): Exec {
    const controller = this.s.walletController[wallet];
    return {
      label: `${this.h.label(wallet)}.setRefuseAll(${on})`,
      world: 0,
      sender: controller,
      to: wallet,
      data: I.wallet().encodeFunctionData("setRefuseAll", [on]),
      model: (m) => {
        m.s.walletRefuse[wallet] = on;
      },
    };
  }

  /* LISTINGS */

  listingInput(world: number, p: ListingSpec): { input: ListingInput; arg: unknown } {
    const wc = this.w(world);
    const arbitrator = p.arbitrator < 0 ? this.h.chain.eoa[10] : wc.arbs[p.arbitrator % wc.arbs.length].addr;
    const validator = p.validator < 0 ? this.h.chain.eoa[10] : p.validator === 0 ? ZERO : wc.vals[(p.validator - 1) % wc.vals.length].addr;
    const caps = p.bad === "noCaps" ? [] : p.bad === "dupCap" ? [CAP1, CAP1] : p.bad === "zeroCap" ? [CAP1, ZERO_HASH] : [CAP1, CAP2];
    const uri = p.bad === "longUri" ? "u".repeat(513) : "ipfs://fuzz-listing";
    const input: ListingInput = {
      capabilities: caps,
      price: p.bad === "zeroPrice" ? 0n : p.price,
      pricing: p.pricing,
      sla: p.bad === "badSla" ? 59n : p.sla,
      review: p.bad === "badReview" ? 30n * 86_400n + 1n : p.review,
      collateralBps: p.bad === "highCollateral" ? 10_001n : p.collateralBps,
      arbitrator: p.bad === "eoaArbitrator" ? this.h.chain.eoa[10] : arbitrator,
      arbitratorHasCode: p.bad !== "eoaArbitrator" && p.arbitrator >= 0,
      validator: p.bad === "eoaValidator" ? this.h.chain.eoa[10] : validator,
      validatorHasCode: p.bad !== "eoaValidator" && p.validator >= 0,
      uriLength: uri.length,
    };
    const arg = [
      input.capabilities,
      input.price,
      input.pricing,
      input.sla,
      input.review,
      input.collateralBps,
      input.arbitrator,
      input.validator,
      uri,
    ];
    return { input, arg };
  }

  describeListing(world: number, p: ListingSpec): string {
    const wc = this.w(world);
    const arb = p.arbitrator < 0 ? "EOA" : wc.arbs[p.arbitrator % wc.arbs.length].label;
    const val = p.validator < 0 ? "EOA" : p.validator === 0 ? "none" : wc.vals[(p.validator - 1) % wc.vals.length].label;
    return `${["Fixed", "PerCall", "Quoted"][p.pricing]} ${p.price}, sla ${p.sla}, review ${p.review}, collateral ${p.collateralBps}, ${arb}, ${val}${p.bad ? `, bad ${p.bad}` : ""}`;
  }

  publish(world: number, providerId: bigint, p: ListingSpec, sender: Addr): Exec {
    const { input, arg } = this.listingInput(world, p);
    return {
      label: `${world === 0 ? "" : "ft."}publish(provider ${providerId}, ${this.describeListing(world, p)}, by ${this.h.label(sender)})`,
      world,
      sender,
      to: this.w(world).listings,
      data: I.listings().encodeFunctionData("publish", [providerId, arg]),
      model: (m) => m.publish(providerId, input),
    };
  }

  updateListing(world: number, listingId: bigint, p: ListingSpec, sender: Addr): Exec {
    const { input, arg } = this.listingInput(world, p);
    return {
      label: `${world === 0 ? "" : "ft."}updateListing(${listingId}, ${this.describeListing(world, p)}, by ${this.h.label(sender)})`,
      world,
      sender,
      to: this.w(world).listings,
      data: I.listings().encodeFunctionData("update", [listingId, arg]),
      model: (m) => m.updateListing(listingId, input),
    };
  }

  listingStatus(world: number, listingId: bigint, op: "pause" | "resume" | "retire", sender: Addr): Exec {
    return {
      label: `${world === 0 ? "" : "ft."}${op}Listing(${listingId}, by ${this.h.label(sender)})`,
      world,
      sender,
      to: this.w(world).listings,
      data: I.listings().encodeFunctionData(op, [listingId]),
      model: (m) =>
        op === "pause" ? m.pauseListing(listingId) : op === "resume" ? m.resumeListing(listingId) : m.retireListing(listingId),
    };
  }

  /* ESCROW */

  /** `IListingRegistry.termsHash(listingId)` (what a client reads before hiring), when the ABI has it. */
  async termsHashOnChain(world: number, listingId: bigint): Promise<string> {
    if (!this.s.termsHashCheck) return ZERO_HASH;
    const data = I.listings().encodeFunctionData("termsHash", [listingId]);
    const block = await rpc<string>("eth_blockNumber");
    return (await callAt(this.w(world).listings, data, block)).toLowerCase();
  }

  private ex(world: number, label: string, sender: Addr, fn: string, args: unknown[], model: (m: Sim) => unknown, ledger = false): Exec {
    return {
      label: `${world === 0 ? "" : "ft."}${label}`,
      world,
      sender,
      to: this.w(world).escrow,
      data: I.escrow().encodeFunctionData(fn, args),
      model,
      ledger,
    };
  }

  async createJob(world: number, p: CreateJobInput, sender: Addr, fk: FundingKind, fundingAmount: bigint): Promise<Exec> {
    const f = await this.funding(world, sender, fundingAmount, fk);
    return this.ex(
      world,
      `createJob(client ${p.clientId}, listing ${p.listingId}, maxPrice ${p.maxPrice}, deadline ${p.deadline}, spec ${p.specHash === ZERO_HASH ? "0" : p.specHash.slice(0, 8)}, ${fk}, by ${this.h.label(sender)})`,
      sender,
      "createJob",
      [
        this.s.termsHashCheck
          ? [p.clientId, p.listingId, p.maxPrice, p.deadline, p.specHash, p.termsHash]
          : [p.clientId, p.listingId, p.maxPrice, p.deadline, p.specHash],
        f.arg,
      ],
      (m) => m.createJob(p, f.meta),
    );
  }

  cancel(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(world, `cancel(job ${jobId}, by ${this.h.label(sender)})`, sender, "cancel", [jobId], (m) => m.cancel(jobId));
  }

  decline(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(world, `decline(job ${jobId}, by ${this.h.label(sender)})`, sender, "decline", [jobId, "ipfs://busy"], (m) =>
      m.decline(jobId),
    );
  }

  async accept(world: number, jobId: bigint, sender: Addr, fk: FundingKind): Promise<Exec> {
    // The collateral is what the model says the curve requires now; the permit/authorization is signed for it.
    const job = this.s.worlds[world].jobs[Number(jobId) - 1];
    let amount = 1n;
    if (job && job.collateralTerms) {
      const sim = new Sim(this.s, this.s.worlds[world], sender);
      amount = sim.requiredCollateral(job.amount, job.collateralBps, sim.score(job.providerId)) || 1n;
    }
    const f = await this.funding(world, sender, amount, fk);
    return this.ex(
      world,
      `accept(job ${jobId}, ${fk}, by ${this.h.label(sender)})`,
      sender,
      "accept",
      [jobId, f.arg],
      (m) => m.accept(jobId, f.meta),
      true,
    );
  }

  deliver(world: number, jobId: bigint, resultHash: string, sender: Addr): Exec {
    return this.ex(
      world,
      `deliver(job ${jobId}, result ${resultHash === ZERO_HASH ? "0" : resultHash.slice(0, 8)}, by ${this.h.label(sender)})`,
      sender,
      "deliver",
      [jobId, resultHash, "ipfs://result"],
      (m) => m.deliver(jobId, resultHash),
      true,
    );
  }

  approve(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(world, `approve(job ${jobId}, by ${this.h.label(sender)})`, sender, "approve", [jobId], (m) => m.approve(jobId), true);
  }

  async reject(world: number, jobId: bigint, sender: Addr, fk: FundingKind): Promise<Exec> {
    const job = this.s.worlds[world].jobs[Number(jobId) - 1];
    let fee = 1n;
    if (job) {
      fee = new Sim(this.s, this.s.worlds[world], sender).quote(job.arbitrator, job.amount) || 1n;
    }
    const f = await this.funding(world, sender, fee, fk);
    return this.ex(world, `reject(job ${jobId}, ${fk}, by ${this.h.label(sender)})`, sender, "reject", [jobId, "ipfs://why", f.arg], (m) =>
      m.reject(jobId, f.meta),
    );
  }

  release(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(world, `release(job ${jobId}, by ${this.h.label(sender)})`, sender, "release", [jobId], (m) => m.release_(jobId), true);
  }

  refund(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(world, `refund(job ${jobId}, by ${this.h.label(sender)})`, sender, "refund", [jobId], (m) => m.refund(jobId), true);
  }

  pollValidator(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(
      world,
      `pollValidator(job ${jobId}, by ${this.h.label(sender)})`,
      sender,
      "pollValidator",
      [jobId],
      (m) => m.pollValidator(jobId),
      true,
    );
  }

  submitEvidence(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(
      world,
      `submitEvidence(job ${jobId}, by ${this.h.label(sender)})`,
      sender,
      "submitEvidence",
      [jobId, "ipfs://evidence"],
      (m) => m.submitEvidence(jobId),
    );
  }

  resolveByDefault(world: number, jobId: bigint, sender: Addr): Exec {
    return this.ex(
      world,
      `resolveByDefault(job ${jobId}, by ${this.h.label(sender)})`,
      sender,
      "resolveByDefault",
      [jobId],
      (m) => m.resolveByDefault(jobId),
      true,
    );
  }

  giveFeedback(world: number, jobId: bigint, score: bigint, sender: Addr): Exec {
    return this.ex(
      world,
      `giveFeedback(job ${jobId}, score ${score}, by ${this.h.label(sender)})`,
      sender,
      "giveFeedback",
      [jobId, score, "quality", "", "ipfs://fb", ZeroHash],
      (m) => m.giveFeedback(jobId, score),
      true,
    );
  }

  /** A ruling through arbitrator `arbIndex` of the world (whatever the job's own arbitrator is). */
  rule(world: number, jobId: bigint, arbIndex: number, share: bigint, second: bigint, sender: Addr): Exec | undefined {
    const a = this.w(world).arbs[arbIndex % this.w(world).arbs.length];
    const pre = world === 0 ? "" : "ft.";
    const base = { world, ledger: true, sender };
    switch (a.kind) {
      case "mock":
      case "revert":
      case "reentrant":
        return {
          ...base,
          label: `${pre}${a.label}.giveRuling(job ${jobId}, ${share}, by ${this.h.label(sender)})`,
          to: a.addr,
          data: iArb().encodeFunctionData("giveRuling", [jobId, share]),
          model: (m) => m.giveRuling(a.addr, jobId, share),
        };
      case "double":
        return {
          ...base,
          label: `${pre}${a.label}.ruleTwice(job ${jobId}, ${share} then ${second}, by ${this.h.label(sender)})`,
          to: a.addr,
          data: iface("DoubleRulingArbitrator").encodeFunctionData("ruleTwice", [jobId, share, second]),
          model: (m) => m.ruleTwice(a.addr, jobId, share),
        };
      case "committee":
        return {
          ...base,
          label: `${pre}committee.vote(job ${jobId}, ${share}, by ${this.h.label(sender)})`,
          to: a.addr,
          data: iface("CommitteeArbitrator").encodeFunctionData("vote", [jobId, share]),
          model: (m) => m.committeeVote(a.addr, jobId, share),
        };
      case "oracle":
        return {
          ...base,
          label: `${pre}oracle.submitVerdict(job ${jobId}, ${share}, by ${this.h.label(sender)})`,
          to: a.addr,
          data: iface("OracleArbitrator").encodeFunctionData("submitVerdict", [jobId, share, ZeroHash, "ipfs://reasoning"]),
          model: (m) => m.oracleVerdict(a.addr, jobId, share),
        };
      default:
        return undefined; // the silent arbitrator cannot rule
    }
  }

  setArbitratorFee(world: number, arbIndex: number, fee: bigint, sender: Addr): Exec | undefined {
    const a = this.w(world).arbs[arbIndex % this.w(world).arbs.length];
    const pre = world === 0 ? "" : "ft.";
    if (a.kind === "mock" || a.kind === "double" || a.kind === "reentrant") {
      return {
        label: `${pre}${a.label}.setFee(${fee})`,
        world,
        sender,
        to: a.addr,
        data: iArb().encodeFunctionData("setFee", [fee]),
        model: (m) => {
          m.arb(a.addr)!.fee = fee;
        },
      };
    }
    if (a.kind === "oracle") {
      return {
        label: `${pre}oracle.setFee(${fee}, by ${this.h.label(sender)})`,
        world,
        sender,
        to: a.addr,
        data: iface("OracleArbitrator").encodeFunctionData("setFee", [fee]),
        model: (m) => {
          if (m.sender !== m.s.oracleOwner) fail("OwnableUnauthorizedAccount", m.sender);
          m.arb(a.addr)!.fee = fee;
        },
      };
    }
    return undefined;
  }

  setOracle(oracle: Addr, sender: Addr): Exec {
    const a = this.w(0).arbs.find((x) => x.kind === "oracle")!;
    return {
      label: `oracle.setOracle(${this.h.label(oracle)}, by ${this.h.label(sender)})`,
      world: 0,
      sender,
      to: a.addr,
      data: iface("OracleArbitrator").encodeFunctionData("setOracle", [oracle]),
      model: (m) => m.setOracle(oracle),
    };
  }

  arbitratorWithdraw(world: number, arbIndex: number, to: Addr, amount: bigint, sender: Addr): Exec | undefined {
    const a = this.w(world).arbs[arbIndex % this.w(world).arbs.length];
    if (a.kind !== "committee" && a.kind !== "oracle") return undefined;
    const owner = a.kind === "committee" ? this.s.committeeOwner : this.s.oracleOwner;
    return {
      label: `${a.label}.withdrawCredit(${this.h.label(to)}, ${amount}, by ${this.h.label(sender)})`,
      world,
      sender,
      to: a.addr,
      data: iface(a.kind === "committee" ? "CommitteeArbitrator" : "OracleArbitrator").encodeFunctionData("withdrawCredit", [to, amount]),
      model: (m) => m.arbitratorWithdraw(a.addr, owner, to, amount),
    };
  }

  setMockVerdict(world: number, verdict: number): Exec {
    const v = this.w(world).vals.find((x) => x.kind === "mock")!;
    return {
      label: `${world === 0 ? "" : "ft."}${v.label}.setVerdict(${["Pending", "Approved", "Rejected"][verdict]})`,
      world,
      sender: this.h.chain.eoa[0],
      to: v.addr,
      data: iface("MockValidator").encodeFunctionData("setVerdict", [verdict]),
      model: (m) => {
        m.w.vals.find((x) => x.addr === v.addr)!.verdict = verdict;
      },
    };
  }

  /* CHANNELS */

  private cx(world: number, label: string, sender: Addr, fn: string, args: unknown[], model: (m: Sim) => unknown, ledger = false): Exec {
    return {
      label: `${world === 0 ? "" : "ft."}${label}`,
      world,
      sender,
      to: this.w(world).channels,
      data: I.channels().encodeFunctionData(fn, args),
      model,
      ledger,
    };
  }

  async open(
    world: number,
    clientId: bigint,
    providerId: bigint,
    saltIndex: number,
    authorizer: Addr,
    amount: bigint,
    sender: Addr,
    fk: FundingKind,
  ): Promise<Exec> {
    const salt = toBeHex(BigInt(saltIndex), 32);
    const id = channelIdOf(clientId, providerId, salt);
    const f = await this.funding(world, sender, amount, fk);
    return this.cx(
      world,
      `open(client ${clientId}, provider ${providerId}, salt ${saltIndex}, authorizer ${this.h.label(authorizer)}, ${amount}, ${fk}, by ${this.h.label(sender)})`,
      sender,
      "open",
      [clientId, providerId, salt, authorizer, amount, f.arg],
      (m) => m.open(clientId, providerId, salt, id, authorizer, amount, f.meta),
    );
  }

  async topUp(world: number, channelId: string, amount: bigint, sender: Addr, fk: FundingKind): Promise<Exec> {
    const f = await this.funding(world, sender, amount, fk);
    return this.cx(
      world,
      `topUp(${this.chLabel(world, channelId)}, ${amount}, ${fk}, by ${this.h.label(sender)})`,
      sender,
      "topUp",
      [channelId, amount, f.arg],
      (m) => m.topUp(channelId, amount, f.meta),
    );
  }

  chLabel(world: number, channelId: string): string {
    const c = this.s.worlds[world].channels[channelId];
    return c ? `ch ${c.clientId}->${c.providerId}#${BigInt(c.salt)}` : `ch ${channelId.slice(0, 10)}`;
  }

  /** Signs a voucher of `kind` for the channel's current epoch and `cumulative`. */
  async voucher(
    world: number,
    channelId: string,
    cumulative: bigint,
    kind: VoucherKind,
  ): Promise<{ meta: VoucherMeta; sig: string; epoch: bigint; cumulative: bigint }> {
    const c = this.s.worlds[world].channels[channelId];
    const epoch = c ? c.epoch : 1n;
    const authorizer = c ? c.authorizer : this.h.chain.eoa[10];
    let subEpoch = epoch;
    let subCum = cumulative;
    if (kind === "wrongEpoch") subEpoch = epoch > 1n ? epoch - 1n : epoch + 1n;
    if (kind === "stale" && c) subCum = c.claimed;
    if (kind === "aboveDeposit" && c) subCum = c.deposit + 1n;
    const signedChannel = kind === "otherChannel" ? keccak256(channelId).toLowerCase() : channelId;
    const signerAddr = kind === "wrongSigner" ? this.h.chain.eoa[10] : this.signerOf(authorizer);
    let sig: string;
    if (kind === "badLength") sig = "0x" + "22".repeat(64);
    else {
      sig = await this.sign(
        this.key(signerAddr),
        { name: "Agora PaymentChannels", version: "1", chainId: this.h.chain.chainId, verifyingContract: this.w(world).channels },
        {
          Voucher: [
            { name: "channelId", type: "bytes32" },
            { name: "epoch", type: "uint64" },
            { name: "cumulativeAmount", type: "uint128" },
          ],
        },
        { channelId: signedChannel, epoch: subEpoch, cumulativeAmount: subCum },
      );
    }
    const meta: VoucherMeta = {
      channelId,
      epoch: subEpoch,
      cumulative: subCum,
      signer: kind === "badLength" ? ZERO : signerAddr,
      signedChannel,
      signedEpoch: subEpoch,
      signedCumulative: subCum,
    };
    return { meta, sig, epoch: subEpoch, cumulative: subCum };
  }

  async claim(world: number, channelId: string, cumulative: bigint, kind: VoucherKind, sender: Addr): Promise<Exec> {
    const v = await this.voucher(world, channelId, cumulative, kind);
    return this.cx(
      world,
      `claim(${this.chLabel(world, channelId)}, epoch ${v.epoch}, cum ${v.cumulative}, ${kind}, by ${this.h.label(sender)})`,
      sender,
      "claim",
      [channelId, v.epoch, v.cumulative, v.sig],
      (m) => m.claim(v.meta),
      true,
    );
  }

  async claimMany(world: number, items: { channelId: string; cumulative: bigint; kind: VoucherKind }[], sender: Addr): Promise<Exec> {
    const vs: Awaited<ReturnType<Actions["voucher"]>>[] = [];
    for (const it of items) vs.push(await this.voucher(world, it.channelId, it.cumulative, it.kind));
    const desc = items.map((it, i) => `${this.chLabel(world, it.channelId)} cum ${vs[i].cumulative} ${it.kind}`).join("; ");
    return this.cx(
      world,
      `claimMany([${desc}], by ${this.h.label(sender)})`,
      sender,
      "claimMany",
      [vs.map((v) => [v.meta.channelId, v.epoch, v.cumulative, v.sig])],
      (m) => m.claimMany(vs.map((v) => v.meta)),
      true,
    );
  }

  requestClose(world: number, channelId: string, sender: Addr): Exec {
    return this.cx(
      world,
      `requestClose(${this.chLabel(world, channelId)}, by ${this.h.label(sender)})`,
      sender,
      "requestClose",
      [channelId],
      (m) => m.requestClose(channelId),
    );
  }

  finalizeClose(world: number, channelId: string, sender: Addr): Exec {
    return this.cx(
      world,
      `finalizeClose(${this.chLabel(world, channelId)}, by ${this.h.label(sender)})`,
      sender,
      "finalizeClose",
      [channelId],
      (m) => m.finalizeClose(channelId),
    );
  }

  async closeByProvider(
    world: number,
    channelId: string,
    withVoucher: boolean,
    cumulative: bigint,
    kind: VoucherKind,
    sender: Addr,
  ): Promise<Exec> {
    if (!withVoucher) {
      return this.cx(
        world,
        `closeByProvider(${this.chLabel(world, channelId)}, no voucher, by ${this.h.label(sender)})`,
        sender,
        "closeByProvider",
        [channelId, 0n, 0n, "0x"],
        (m) => m.closeByProvider(channelId, undefined),
        true,
      );
    }
    const v = await this.voucher(world, channelId, cumulative, kind);
    return this.cx(
      world,
      `closeByProvider(${this.chLabel(world, channelId)}, epoch ${v.epoch}, cum ${v.cumulative}, ${kind}, by ${this.h.label(sender)})`,
      sender,
      "closeByProvider",
      [channelId, v.epoch, v.cumulative, v.sig],
      (m) => m.closeByProvider(channelId, v.meta),
      true,
    );
  }

  async run(x: Exec | Promise<Exec>): Promise<TxResult> {
    return this.h.exec(await x);
  }
}

export interface ListingSpec {
  price: bigint;
  pricing: number;
  sla: bigint;
  review: bigint;
  collateralBps: bigint;
  arbitrator: number; // index into the world's arbitrators; negative: an EOA
  validator: number; // 0 none, i: the world's validator i - 1; negative: an EOA
  bad?:
    | ""
    | "noCaps"
    | "dupCap"
    | "zeroCap"
    | "zeroPrice"
    | "badSla"
    | "badReview"
    | "highCollateral"
    | "eoaArbitrator"
    | "eoaValidator"
    | "longUri";
}

export const CAP1 = keccak256("0x01").toLowerCase();
export const CAP2 = keccak256("0x02").toLowerCase();

const iArb = () => iface("MockArbitrator");
