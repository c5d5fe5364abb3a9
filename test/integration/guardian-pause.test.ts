import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { type BaseContract, type ContractTransactionResponse, Interface, type InterfaceAbi, ZeroAddress } from "ethers";
import { ethers } from "hardhat";
import {
  AgentRegistry__factory,
  AgoraVault__factory,
  CommitteeArbitrator__factory,
  JobEscrow__factory,
  ListingRegistry__factory,
  OracleArbitrator__factory,
  PaymentChannels__factory,
  ReputationLedger__factory,
} from "../../typechain-types";
import { USDC } from "../fixtures/agora";
import { GRACE, freshSalt, signVoucher, withPauseWorldFixture, type PauseWorld } from "../fixtures/controls";
import { COMMITTEE_FEE, FEE_BPS, JobState, ORACLE_FEE, PRICE, REVIEW, RULING_PERIOD, SLA, Verdict, feeOn } from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

/*
 * Invariant 9 (PROTOCOL.md §2.7, docs/LIMITS.md "Guardian pause"): the guardian pause stops new business and
 * nothing else. The table below calls every state-changing external function of the protocol, paused and not.
 */

const CONTRACTS = {
  AgentRegistry: AgentRegistry__factory.abi,
  ListingRegistry: ListingRegistry__factory.abi,
  AgoraVault: AgoraVault__factory.abi,
  JobEscrow: JobEscrow__factory.abi,
  PaymentChannels: PaymentChannels__factory.abi,
  CommitteeArbitrator: CommitteeArbitrator__factory.abi,
  OracleArbitrator: OracleArbitrator__factory.abi,
  ReputationLedger: ReputationLedger__factory.abi,
} as const satisfies Record<string, InterfaceAbi>;
type ContractName = keyof typeof CONTRACTS;

/** Every non-view, non-pure function of `abi`, as `name(types)`. */
function stateChanging(abi: InterfaceAbi): string[] {
  return new Interface(abi).fragments
    .filter((f) => f.type === "function")
    .map((f) => f as unknown as { stateMutability: string; format(kind: "sighash"): string })
    .filter((f) => f.stateMutability !== "view" && f.stateMutability !== "pure")
    .map((f) => f.format("sighash"))
    .sort();
}

type Emitted = [BaseContract, string];
type Call = (w: PauseWorld) => Promise<ContractTransactionResponse>;
type Outcome = { emits: Emitted[] } | { reverts: [BaseContract, string, unknown[]] };

interface Row {
  contract: ContractName;
  signature: string;
  /** How a module-only or arbitrator-only function is reached, or which variant this row exercises. */
  via?: string;
  kind: "blocked" | "open" | "guardian";
  /** Runs before the pause (and in the unpaused run too): puts the world in the state the call needs. */
  before?: (w: PauseWorld) => Promise<unknown>;
  call: Call;
  paused: (w: PauseWorld) => Outcome;
  unpaused: (w: PauseWorld) => Outcome;
}

interface Spec {
  via?: string;
  before?: (w: PauseWorld) => Promise<unknown>;
  call: Call;
  emits: (w: PauseWorld) => Emitted[];
}

/** An exit or non-business action: succeeds (emitting `emits`) whether paused or not. */
function open(contract: ContractName, signature: string, spec: Spec): Row {
  return {
    contract,
    signature,
    kind: "open",
    ...spec,
    paused: (w) => ({ emits: spec.emits(w) }),
    unpaused: (w) => ({ emits: spec.emits(w) }),
  };
}

/** New business: reverts with `error` (no arguments) while paused, succeeds otherwise. */
function blocked(contract: ContractName, signature: string, spec: Spec & { error: (w: PauseWorld) => [BaseContract, string] }): Row {
  return {
    contract,
    signature,
    kind: "blocked",
    ...spec,
    paused: (w) => ({ reverts: [...spec.error(w), []] }),
    unpaused: (w) => ({ emits: spec.emits(w) }),
  };
}

const vaultPaused = (w: PauseWorld): [BaseContract, string] => [w.vault, "VaultPaused"];
const listingPaused = (w: PauseWorld): [BaseContract, string] => [w.listings, "ListingPaused"];
const deadline = async () => BigInt(await time.latest()) + 3_600n;

const ROWS: Row[] = [
  // AgentRegistry: identity and roles never read the pause.
  open("AgentRegistry", "approve(address,uint256)", {
    call: (w) => w.registry.connect(w.clientOwner).approve(w.buyer.address, w.clientId),
    emits: (w) => [[w.registry, "Approval"]],
  }),
  open("AgentRegistry", "freeze(uint256)", {
    call: (w) => w.registry.connect(w.clientOwner).freeze(w.clientId),
    emits: (w) => [[w.registry, "AgentFreezeChanged"]],
  }),
  open("AgentRegistry", "register()", {
    call: (w) => w.registry.connect(w.stranger)["register()"](),
    emits: (w) => [[w.registry, "Registered"]],
  }),
  open("AgentRegistry", "register(string)", {
    call: (w) => w.registry.connect(w.stranger)["register(string)"]("ipfs://new"),
    emits: (w) => [[w.registry, "Registered"]],
  }),
  open("AgentRegistry", "register(string,(string,bytes)[])", {
    call: (w) =>
      w.registry.connect(w.stranger)["register(string,(string,bytes)[])"]("ipfs://new", [{ metadataKey: "k", metadataValue: "0x01" }]),
    emits: (w) => [
      [w.registry, "Registered"],
      [w.registry, "MetadataSet"],
    ],
  }),
  open("AgentRegistry", "safeTransferFrom(address,address,uint256)", {
    call: (w) =>
      w.registry.connect(w.stranger)["safeTransferFrom(address,address,uint256)"](w.stranger.address, w.buyer.address, w.spareId),
    emits: (w) => [[w.registry, "Transfer"]],
  }),
  open("AgentRegistry", "safeTransferFrom(address,address,uint256,bytes)", {
    call: (w) =>
      w.registry
        .connect(w.stranger)
        ["safeTransferFrom(address,address,uint256,bytes)"](w.stranger.address, w.buyer.address, w.spareId, "0x"),
    emits: (w) => [[w.registry, "Transfer"]],
  }),
  open("AgentRegistry", "setAgentURI(uint256,string)", {
    call: (w) => w.registry.connect(w.clientOwner).setAgentURI(w.clientId, "ipfs://client-v2"),
    emits: (w) => [[w.registry, "URIUpdated"]],
  }),
  open("AgentRegistry", "setAgentWallet(uint256,address,uint256,bytes)", {
    call: async (w) => {
      const proof = await w.walletProof(w.freshKey, w.clientId, w.clientOwner.address);
      return w.registry.connect(w.clientOwner).setAgentWallet(w.clientId, w.freshKey.address, proof.deadline, proof.signature);
    },
    emits: (w) => [[w.registry, "AgentWalletChanged"]],
  }),
  open("AgentRegistry", "setApprovalForAll(address,bool)", {
    call: (w) => w.registry.connect(w.clientOwner).setApprovalForAll(w.buyer.address, true),
    emits: (w) => [[w.registry, "ApprovalForAll"]],
  }),
  open("AgentRegistry", "setMetadata(uint256,string,bytes)", {
    call: (w) => w.registry.connect(w.clientOwner).setMetadata(w.clientId, "model", "0x1234"),
    emits: (w) => [[w.registry, "MetadataSet"]],
  }),
  open("AgentRegistry", "transferFrom(address,address,uint256)", {
    call: (w) => w.registry.connect(w.stranger).transferFrom(w.stranger.address, w.buyer.address, w.spareId),
    emits: (w) => [[w.registry, "Transfer"]],
  }),
  open("AgentRegistry", "unfreeze(uint256)", {
    before: (w) => w.registry.connect(w.clientOwner).freeze(w.clientId),
    call: (w) => w.registry.connect(w.clientOwner).unfreeze(w.clientId),
    emits: (w) => [[w.registry, "AgentFreezeChanged"]],
  }),
  open("AgentRegistry", "unsetAgentWallet(uint256)", {
    call: (w) => w.registry.connect(w.clientOwner).unsetAgentWallet(w.clientId),
    emits: (w) => [[w.registry, "AgentWalletChanged"]],
  }),

  // ListingRegistry: publishing, updating and resuming open business; pausing and retiring close it.
  blocked("ListingRegistry", "publish(uint256,(bytes32[],uint64,uint8,uint32,uint32,uint16,address,address,string))", {
    call: (w) => w.listings.connect(w.providerOperator).publish(w.providerId, w.listingParams()),
    emits: (w) => [[w.listings, "ListingPublished"]],
    error: listingPaused,
  }),
  blocked("ListingRegistry", "update(uint256,(bytes32[],uint64,uint8,uint32,uint32,uint16,address,address,string))", {
    call: (w) => w.listings.connect(w.providerOperator).update(w.plain, w.listingParams({ price: 2n * PRICE })),
    emits: (w) => [[w.listings, "ListingUpdated"]],
    error: listingPaused,
  }),
  blocked("ListingRegistry", "resume(uint256)", {
    call: (w) => w.listings.connect(w.providerOperator).resume(w.pausedListing),
    emits: (w) => [[w.listings, "ListingStatusChanged"]],
    error: listingPaused,
  }),
  open("ListingRegistry", "pause(uint256)", {
    call: (w) => w.listings.connect(w.providerOperator).pause(w.plain),
    emits: (w) => [[w.listings, "ListingStatusChanged"]],
  }),
  open("ListingRegistry", "retire(uint256)", {
    call: (w) => w.listings.connect(w.providerOperator).retire(w.plain),
    emits: (w) => [[w.listings, "ListingStatusChanged"]],
  }),

  // AgoraVault.
  open("AgoraVault", "acceptOwnership()", {
    before: (w) => w.vault.connect(w.deployer).transferOwnership(w.stranger.address),
    call: (w) => w.vault.connect(w.stranger).acceptOwnership(),
    emits: (w) => [[w.vault, "OwnershipTransferred"]],
  }),
  open("AgoraVault", "approveCommitment(uint256,uint256,uint256,uint256,bytes)", {
    call: async (w) => {
      const d = await deadline();
      const signature = await w.signApproval(w.clientOwner, w.clientId, w.providerId, 500n * USDC, d);
      return w.vault.connect(w.clientOperator).approveCommitment(w.clientId, w.providerId, 500n * USDC, d, signature);
    },
    emits: (w) => [[w.vault, "OwnerApprovalSet"]],
  }),
  open("AgoraVault", "cancelCommitmentApproval(uint256)", {
    call: (w) => w.vault.connect(w.clientOwner).cancelCommitmentApproval(w.clientId),
    emits: (w) => [[w.vault, "OwnerApprovalCancelled"]],
  }),
  open("AgoraVault", "claimFees()", {
    call: (w) => w.vault.connect(w.stranger).claimFees(),
    emits: (w) => [[w.vault, "FeesClaimed"]],
  }),
  blocked("AgoraVault", "commit(uint256,uint256,address,uint256,bool,(uint8,uint256,uint256,bytes32,bytes))", {
    via: "JobEscrow.createJob (new business)",
    call: async (w) => w.escrow.connect(w.clientOperator).createJob(await w.jobParams(w.plain), fromBalance()),
    emits: (w) => [[w.vault, "Committed"]],
    error: vaultPaused,
  }),
  blocked("AgoraVault", "commit(uint256,uint256,address,uint256,bool,(uint8,uint256,uint256,bytes32,bytes))", {
    via: "PaymentChannels.topUp (new business)",
    call: (w) => w.channels.connect(w.clientOperator).topUp(w.chOpen, USDC, fromTransfer()),
    emits: (w) => [[w.vault, "Committed"]],
    error: vaultPaused,
  }),
  open("AgoraVault", "commit(uint256,uint256,address,uint256,bool,(uint8,uint256,uint256,bytes32,bytes))", {
    via: "JobEscrow.accept posting collateral (work under way)",
    call: (w) => w.escrow.connect(w.providerOperator).accept(w.jobs.collFunded, fromBalance()),
    emits: (w) => [[w.vault, "Committed"]],
  }),
  open("AgoraVault", "commit(uint256,uint256,address,uint256,bool,(uint8,uint256,uint256,bytes32,bytes))", {
    via: "JobEscrow.reject paying the arbitration fee (work under way)",
    call: (w) => w.escrow.connect(w.clientOperator).reject(w.jobs.delivered, "ipfs://reason", fromTransfer()),
    emits: (w) => [[w.vault, "Committed"]],
  }),
  blocked("AgoraVault", "deposit(uint256,uint256,(uint8,uint256,uint256,bytes32,bytes))", {
    call: (w) => w.vault.connect(w.clientOwner).deposit(w.clientId, 5n * USDC, fromTransfer()),
    emits: (w) => [[w.vault, "Deposited"]],
    error: vaultPaused,
  }),
  {
    contract: "AgoraVault",
    signature: "pause()",
    kind: "guardian",
    call: (w) => w.vault.connect(w.guardian).pause(),
    paused: (w) => ({ reverts: [w.vault, "VaultPaused", []] }),
    unpaused: (w) => ({ emits: [[w.vault, "Paused"]] }),
  },
  open("AgoraVault", "release(uint256,uint256,uint256)", {
    via: "JobEscrow.approve",
    call: (w) => w.escrow.connect(w.clientOperator).approve(w.jobs.delivered),
    emits: (w) => [[w.vault, "Released"]],
  }),
  open("AgoraVault", "releaseTo(address,uint256)", {
    via: "a ruling crediting the arbitration fee to the arbitrator",
    call: (w) => w.arbitrator.giveRuling(w.jobs.disputed, 5_000n),
    emits: (w) => [[w.vault, "ReleasedTo"]],
  }),
  open("AgoraVault", "renounceOwnership()", {
    call: (w) => w.vault.connect(w.deployer).renounceOwnership(),
    emits: (w) => [[w.vault, "OwnershipTransferred"]],
  }),
  open("AgoraVault", "setAllowlisted(uint256,uint256,bool)", {
    call: (w) => w.vault.connect(w.clientOwner).setAllowlisted(w.clientId, w.providerId, true),
    emits: (w) => [[w.vault, "AllowlistSet"]],
  }),
  open("AgoraVault", "setFeeRecipient(address)", {
    call: (w) => w.vault.connect(w.deployer).setFeeRecipient(w.stranger.address),
    emits: (w) => [[w.vault, "FeeRecipientSet"]],
  }),
  open("AgoraVault", "setGuardian(address)", {
    call: (w) => w.vault.connect(w.deployer).setGuardian(w.stranger.address),
    emits: (w) => [[w.vault, "GuardianSet"]],
  }),
  open("AgoraVault", "setPayoutAddress(uint256,address)", {
    call: (w) => w.vault.connect(w.clientOwner).setPayoutAddress(w.clientId, w.buyer.address),
    emits: (w) => [[w.vault, "PayoutAddressSet"]],
  }),
  open("AgoraVault", "setProtocolFee(uint16)", {
    call: (w) => w.vault.connect(w.deployer).setProtocolFee(200n),
    emits: (w) => [[w.vault, "ProtocolFeeSet"]],
  }),
  open("AgoraVault", "setSpendingLimits(uint256,(uint64,uint64,bool))", {
    call: (w) =>
      w.vault.connect(w.clientOwner).setSpendingLimits(w.clientId, { perTxCap: USDC, dailyCap: 10n * USDC, allowlistOnly: true }),
    emits: (w) => [[w.vault, "SpendingLimitsSet"]],
  }),
  open("AgoraVault", "transferOwnership(address)", {
    call: (w) => w.vault.connect(w.deployer).transferOwnership(w.stranger.address),
    emits: (w) => [[w.vault, "OwnershipTransferStarted"]],
  }),
  {
    contract: "AgoraVault",
    signature: "unpause()",
    kind: "guardian",
    call: (w) => w.vault.connect(w.guardian).unpause(),
    paused: (w) => ({ emits: [[w.vault, "Unpaused"]] }),
    unpaused: (w) => ({ reverts: [w.vault, "VaultNotPaused", []] }),
  },
  open("AgoraVault", "withdraw(uint256,uint256)", {
    call: (w) => w.vault.connect(w.clientOperator).withdraw(w.clientId, 3n * USDC),
    emits: (w) => [[w.vault, "Withdrawn"]],
  }),
  open("AgoraVault", "withdrawCredit(address,uint256)", {
    via: "CommitteeArbitrator.withdrawCredit (only contracts hold credits)",
    call: (w) => w.committee.connect(w.deployer).withdrawCredit(w.deployer.address, COMMITTEE_FEE),
    emits: (w) => [[w.vault, "CreditWithdrawn"]],
  }),

  // JobEscrow: only createJob is new business.
  open("JobEscrow", "accept(uint256,(uint8,uint256,uint256,bytes32,bytes))", {
    via: "no collateral required",
    call: (w) => w.escrow.connect(w.providerOperator).accept(w.jobs.funded, fromBalance()),
    emits: (w) => [[w.escrow, "JobAccepted"]],
  }),
  open("JobEscrow", "accept(uint256,(uint8,uint256,uint256,bytes32,bytes))", {
    via: "posting collateral by transferFrom",
    call: (w) => w.escrow.connect(w.providerOperator).accept(w.jobs.collFunded, fromTransfer()),
    emits: (w) => [
      [w.escrow, "JobAccepted"],
      [w.vault, "Committed"],
    ],
  }),
  open("JobEscrow", "approve(uint256)", {
    call: (w) => w.escrow.connect(w.clientOperator).approve(w.jobs.collDelivered),
    emits: (w) => [
      [w.escrow, "JobCompleted"],
      [w.ledger, "JobCompleted"],
    ],
  }),
  open("JobEscrow", "cancel(uint256)", {
    call: (w) => w.escrow.connect(w.clientOperator).cancel(w.jobs.funded),
    emits: (w) => [[w.escrow, "JobCancelled"]],
  }),
  blocked("JobEscrow", "createJob((uint256,uint256,uint256,uint256,bytes32,bytes32),(uint8,uint256,uint256,bytes32,bytes))", {
    call: async (w) => w.escrow.connect(w.clientOperator).createJob(await w.jobParams(w.plain), fromTransfer()),
    emits: (w) => [[w.escrow, "JobCreated"]],
    error: vaultPaused,
  }),
  open("JobEscrow", "decline(uint256,string)", {
    call: (w) => w.escrow.connect(w.providerOperator).decline(w.jobs.funded, "ipfs://busy"),
    emits: (w) => [
      [w.escrow, "JobDeclined"],
      [w.vault, "Released"],
    ],
  }),
  open("JobEscrow", "deliver(uint256,bytes32,string)", {
    call: (w) => w.escrow.connect(w.providerOperator).deliver(w.jobs.collAccepted, ethers.id("result"), "ipfs://result"),
    emits: (w) => [[w.escrow, "JobDelivered"]],
  }),
  open("JobEscrow", "giveFeedback(uint256,uint8,string,string,string,bytes32)", {
    call: (w) => w.escrow.connect(w.clientOperator).giveFeedback(w.jobs.completed, 90, "quality", "", "ipfs://fb", ethers.ZeroHash),
    emits: (w) => [
      [w.escrow, "FeedbackGiven"],
      [w.ledger, "FeedbackRecorded"],
    ],
  }),
  open("JobEscrow", "pollValidator(uint256)", {
    before: (w) => w.mockValidator.setVerdict(Verdict.Approved),
    call: (w) => w.escrow.connect(w.stranger).pollValidator(w.jobs.validatorDelivered),
    emits: (w) => [
      [w.escrow, "ValidatorPolled"],
      [w.escrow, "JobCompleted"],
    ],
  }),
  open("JobEscrow", "refund(uint256)", {
    via: "an accepted job past its deadline, by anyone",
    before: () => time.increase(3n * SLA),
    call: (w) => w.escrow.connect(w.stranger).refund(w.jobs.collAccepted),
    emits: (w) => [
      [w.escrow, "JobRefunded"],
      [w.ledger, "JobRefundedLate"],
    ],
  }),
  open("JobEscrow", "refund(uint256)", {
    via: "a never-accepted job past its deadline, by anyone",
    before: () => time.increase(3n * SLA),
    call: (w) => w.escrow.connect(w.stranger).refund(w.jobs.funded),
    emits: (w) => [[w.escrow, "JobRefunded"]],
  }),
  open("JobEscrow", "reject(uint256,string,(uint8,uint256,uint256,bytes32,bytes))", {
    call: (w) => w.escrow.connect(w.clientOperator).reject(w.jobs.collDelivered, "ipfs://reason", fromBalance()),
    emits: (w) => [[w.escrow, "JobDisputed"]],
  }),
  open("JobEscrow", "release(uint256)", {
    via: "by anyone after the review window",
    before: () => time.increase(REVIEW + 1n),
    call: (w) => w.escrow.connect(w.stranger).release(w.jobs.delivered),
    emits: (w) => [
      [w.escrow, "JobCompleted"],
      [w.ledger, "JobCompleted"],
    ],
  }),
  open("JobEscrow", "resolveByDefault(uint256)", {
    before: () => time.increase(RULING_PERIOD + 1n),
    call: (w) => w.escrow.connect(w.stranger).resolveByDefault(w.jobs.collDisputed),
    emits: (w) => [[w.escrow, "JobResolved"]],
  }),
  open("JobEscrow", "rule(uint256,uint256)", {
    via: "the job's arbitrator",
    call: (w) => w.arbitrator.giveRuling(w.jobs.collDisputed, 2_500n),
    emits: (w) => [
      [w.escrow, "Ruling"],
      [w.escrow, "JobResolved"],
      [w.ledger, "DisputeRecorded"],
    ],
  }),
  open("JobEscrow", "submitEvidence(uint256,string)", {
    call: (w) => w.escrow.connect(w.providerOperator).submitEvidence(w.jobs.disputed, "ipfs://evidence"),
    emits: (w) => [[w.escrow, "Evidence"]],
  }),

  // PaymentChannels: open and topUp are new business; claims and closes are exits.
  open("PaymentChannels", "claim(bytes32,uint64,uint128,bytes)", {
    call: async (w) =>
      w.channels
        .connect(w.providerOperator)
        .claim(w.chOpen, 1n, 5n * USDC, await signVoucher(w.channels, w.clientOperator, w.chOpen, 1n, 5n * USDC)),
    emits: (w) => [
      [w.channels, "ChannelClaimed"],
      [w.ledger, "ChannelVolumeRecorded"],
    ],
  }),
  open("PaymentChannels", "claimMany((bytes32,uint64,uint128,bytes)[])", {
    call: async (w) =>
      w.channels.connect(w.providerOperator).claimMany([
        {
          channelId: w.chOpen,
          epoch: 1n,
          cumulativeAmount: 5n * USDC,
          signature: await signVoucher(w.channels, w.clientOperator, w.chOpen, 1n, 5n * USDC),
        },
        {
          channelId: w.chClosing,
          epoch: 1n,
          cumulativeAmount: 3n * USDC,
          signature: await signVoucher(w.channels, w.clientOperator, w.chClosing, 1n, 3n * USDC),
        },
      ]),
    emits: (w) => [[w.channels, "ChannelClaimed"]],
  }),
  open("PaymentChannels", "closeByProvider(bytes32,uint64,uint128,bytes)", {
    call: async (w) =>
      w.channels
        .connect(w.providerOperator)
        .closeByProvider(w.chOpen, 1n, 6n * USDC, await signVoucher(w.channels, w.clientOperator, w.chOpen, 1n, 6n * USDC)),
    emits: (w) => [
      [w.channels, "ChannelClaimed"],
      [w.channels, "ChannelClosed"],
    ],
  }),
  open("PaymentChannels", "finalizeClose(bytes32)", {
    before: () => time.increase(GRACE + 1n),
    call: (w) => w.channels.connect(w.stranger).finalizeClose(w.chClosing),
    emits: (w) => [[w.channels, "ChannelClosed"]],
  }),
  blocked("PaymentChannels", "open(uint256,uint256,bytes32,address,uint256,(uint8,uint256,uint256,bytes32,bytes))", {
    call: (w) => w.channels.connect(w.clientOperator).open(w.clientId, w.providerId, freshSalt(), ZeroAddress, 10n * USDC, fromBalance()),
    emits: (w) => [[w.channels, "ChannelOpened"]],
    error: vaultPaused,
  }),
  open("PaymentChannels", "requestClose(bytes32)", {
    call: (w) => w.channels.connect(w.clientOperator).requestClose(w.chOpen),
    emits: (w) => [[w.channels, "ChannelCloseRequested"]],
  }),
  blocked("PaymentChannels", "topUp(bytes32,uint256,(uint8,uint256,uint256,bytes32,bytes))", {
    call: (w) => w.channels.connect(w.clientOperator).topUp(w.chOpen, 5n * USDC, fromBalance()),
    emits: (w) => [[w.channels, "ChannelToppedUp"]],
    error: vaultPaused,
  }),

  // CommitteeArbitrator.
  open("CommitteeArbitrator", "acceptOwnership()", {
    before: (w) => w.committee.connect(w.deployer).transferOwnership(w.stranger.address),
    call: (w) => w.committee.connect(w.stranger).acceptOwnership(),
    emits: (w) => [[w.committee, "OwnershipTransferred"]],
  }),
  open("CommitteeArbitrator", "createDispute(uint256,uint256,uint256,uint256)", {
    via: "JobEscrow.reject of a committee job",
    call: (w) => w.escrow.connect(w.clientOperator).reject(w.jobs.committeeDelivered, "ipfs://reason", fromBalance()),
    emits: (w) => [[w.committee, "DisputeOpened"]],
  }),
  open("CommitteeArbitrator", "renounceOwnership()", {
    call: (w) => w.committee.connect(w.deployer).renounceOwnership(),
    emits: (w) => [[w.committee, "OwnershipTransferred"]],
  }),
  open("CommitteeArbitrator", "transferOwnership(address)", {
    call: (w) => w.committee.connect(w.deployer).transferOwnership(w.stranger.address),
    emits: (w) => [[w.committee, "OwnershipTransferStarted"]],
  }),
  open("CommitteeArbitrator", "vote(uint256,uint256)", {
    via: "the vote that reaches the threshold and rules",
    before: (w) => w.committee.connect(w.members[0]).vote(w.jobs.committeeDisputed, 7_000n),
    call: (w) => w.committee.connect(w.members[1]).vote(w.jobs.committeeDisputed, 7_000n),
    emits: (w) => [
      [w.committee, "Ruled"],
      [w.escrow, "JobResolved"],
    ],
  }),
  open("CommitteeArbitrator", "withdrawCredit(address,uint256)", {
    call: (w) => w.committee.connect(w.deployer).withdrawCredit(w.deployer.address, COMMITTEE_FEE),
    emits: (w) => [[w.committee, "FeesWithdrawn"]],
  }),

  // OracleArbitrator.
  open("OracleArbitrator", "acceptOwnership()", {
    before: (w) => w.oracleArbitrator.connect(w.deployer).transferOwnership(w.stranger.address),
    call: (w) => w.oracleArbitrator.connect(w.stranger).acceptOwnership(),
    emits: (w) => [[w.oracleArbitrator, "OwnershipTransferred"]],
  }),
  open("OracleArbitrator", "createDispute(uint256,uint256,uint256,uint256)", {
    via: "JobEscrow.reject of an oracle job",
    call: (w) => w.escrow.connect(w.clientOperator).reject(w.jobs.oracleDelivered, "ipfs://reason", fromBalance()),
    emits: (w) => [[w.oracleArbitrator, "VerdictRequested"]],
  }),
  open("OracleArbitrator", "renounceOwnership()", {
    call: (w) => w.oracleArbitrator.connect(w.deployer).renounceOwnership(),
    emits: (w) => [[w.oracleArbitrator, "OwnershipTransferred"]],
  }),
  open("OracleArbitrator", "setFee(uint256)", {
    call: (w) => w.oracleArbitrator.connect(w.deployer).setFee(5n * USDC),
    emits: (w) => [[w.oracleArbitrator, "FeeSet"]],
  }),
  open("OracleArbitrator", "setOracle(address)", {
    call: (w) => w.oracleArbitrator.connect(w.deployer).setOracle(w.stranger.address),
    emits: (w) => [[w.oracleArbitrator, "OracleSet"]],
  }),
  open("OracleArbitrator", "submitVerdict(uint256,uint256,bytes32,string)", {
    call: (w) => w.oracleArbitrator.connect(w.oracle).submitVerdict(w.jobs.oracleDisputed, 4_000n, ethers.id("why"), "ipfs://why"),
    emits: (w) => [
      [w.oracleArbitrator, "VerdictSubmitted"],
      [w.escrow, "JobResolved"],
    ],
  }),
  open("OracleArbitrator", "transferOwnership(address)", {
    call: (w) => w.oracleArbitrator.connect(w.deployer).transferOwnership(w.stranger.address),
    emits: (w) => [[w.oracleArbitrator, "OwnershipTransferStarted"]],
  }),
  open("OracleArbitrator", "withdrawCredit(address,uint256)", {
    call: (w) => w.oracleArbitrator.connect(w.deployer).withdrawCredit(w.deployer.address, ORACLE_FEE),
    emits: (w) => [
      [w.oracleArbitrator, "FeesWithdrawn"],
      [w.vault, "CreditWithdrawn"],
    ],
  }),
];

/** Functions with no row, and why. `coveredBy`: a ledger event some row must emit (the write happens there). */
const EXCLUDED: { contract: ContractName; signature: string; reason: string; coveredBy?: string }[] = [
  {
    contract: "AgoraVault",
    signature: "setModules(address,address)",
    reason: "deploy-time wiring, deployer only, sealed at deployment: reverts VaultModulesAlreadySet paused or not (tested below)",
  },
  {
    contract: "ReputationLedger",
    signature: "setWriters(address,address)",
    reason: "deploy-time wiring, deployer only, sealed at deployment: reverts LedgerWritersAlreadySet paused or not (tested below)",
  },
  {
    contract: "ReputationLedger",
    signature: "recordCompleted(uint256,uint256,uint256,uint256,uint64,bool)",
    reason: "writer only: approve/release rows",
    coveredBy: "JobCompleted",
  },
  {
    contract: "ReputationLedger",
    signature: "recordRefundedLate(uint256,uint256,uint256,uint256)",
    reason: "writer only: refund row",
    coveredBy: "JobRefundedLate",
  },
  {
    contract: "ReputationLedger",
    signature: "recordDispute(uint256,uint256,uint256,uint16,uint256)",
    reason: "writer only: rule row",
    coveredBy: "DisputeRecorded",
  },
  {
    contract: "ReputationLedger",
    signature: "recordChannelVolume(uint256,uint256,uint256,uint256)",
    reason: "writer only: claim row",
    coveredBy: "ChannelVolumeRecorded",
  },
  {
    contract: "ReputationLedger",
    signature: "recordFeedback(uint256,uint256,uint256,uint8,uint256,string,string,string,bytes32)",
    reason: "writer only: giveFeedback row",
    coveredBy: "FeedbackRecorded",
  },
];

function label(row: Row): string {
  return `${row.contract}.${row.signature}${row.via ? ` via ${row.via}` : ""}`;
}

async function expectOutcome(tx: Promise<ContractTransactionResponse>, outcome: Outcome): Promise<void> {
  if ("reverts" in outcome) {
    const [contract, error, args] = outcome.reverts;
    await expect(tx)
      .to.be.revertedWithCustomError(contract, error)
      .withArgs(...args);
    return;
  }
  for (const [contract, event] of outcome.emits) await expect(tx).to.emit(contract, event);
}

/** Every number that is money: agent balances, credits, fees, locked amounts, and USDC held by every account. */
async function moneySnapshot(w: PauseWorld): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  const agents = await w.registry.totalAgents();
  for (let id = 1n; id <= agents; id++) out[`balance:${id}`] = await w.vault.balanceOf(id);
  const accounts = (await ethers.getSigners()).map((s) => s.address);
  for (const c of [w.arbitrator, w.committee, w.oracleArbitrator, w.escrow, w.channels, w.vault]) accounts.push(await c.getAddress());
  for (const account of accounts) {
    out[`credit:${account}`] = await w.vault.creditOf(account);
    out[`usdc:${account}`] = await w.usdc.balanceOf(account);
  }
  out.fees = await w.vault.accruedFees();
  out.lockedEscrow = await w.vault.locked(await w.escrow.getAddress());
  out.lockedChannels = await w.vault.locked(await w.channels.getAddress());
  return out;
}

describe("Guardian pause (invariant 9)", function () {
  describe("table: every state-changing function, paused and unpaused", function () {
    for (const row of ROWS) {
      const whenPaused = row.kind === "blocked" ? "reverts while paused" : row.kind === "open" ? "works while paused" : "guardian toggle";
      describe(`${label(row)} [${row.kind}]`, function () {
        it(`paused: ${whenPaused}`, async function () {
          const w = await loadFixture(withPauseWorldFixture);
          if (row.before) await row.before(w);
          await expect(w.vault.connect(w.guardian).pause()).to.emit(w.vault, "Paused").withArgs(w.guardian.address);
          await expectOutcome(row.call(w), row.paused(w));
        });

        it("unpaused: works", async function () {
          const w = await loadFixture(withPauseWorldFixture);
          if (row.before) await row.before(w);
          expect(await w.vault.paused()).to.equal(false);
          await expectOutcome(row.call(w), row.unpaused(w));
        });
      });
    }
  });

  describe("completeness", function () {
    it("has a row or a stated exclusion for every non-view function of every contract, and no stale row", async function () {
      const missing: string[] = [];
      const known = new Set<string>();
      for (const [contract, abi] of Object.entries(CONTRACTS)) {
        for (const signature of stateChanging(abi)) {
          const key = `${contract}.${signature}`;
          known.add(key);
          const covered =
            ROWS.some((r) => r.contract === contract && r.signature === signature) ||
            EXCLUDED.some((e) => e.contract === contract && e.signature === signature);
          if (!covered) missing.push(key);
        }
      }
      expect(missing, "functions with neither a row nor an exclusion").to.deep.equal([]);
      const stale = [...ROWS, ...EXCLUDED].map((r) => `${r.contract}.${r.signature}`).filter((k) => !known.has(k));
      expect(stale, "rows naming functions that no longer exist").to.deep.equal([]);
    });

    it("classes new business exactly as docs/LIMITS.md does", async function () {
      const blockedNames = [
        ...new Set(ROWS.filter((r) => r.kind === "blocked").map((r) => `${r.contract}.${r.signature.split("(")[0]}`)),
      ].sort();
      expect(blockedNames).to.deep.equal(
        [
          "AgoraVault.commit",
          "AgoraVault.deposit",
          "JobEscrow.createJob",
          "ListingRegistry.publish",
          "ListingRegistry.resume",
          "ListingRegistry.update",
          "PaymentChannels.open",
          "PaymentChannels.topUp",
        ].sort(),
      );
    });

    it("covers each writer-only ledger function through a row that emits its event", async function () {
      const w = await loadFixture(withPauseWorldFixture);
      const ledgerAddress = await w.ledger.getAddress();
      for (const e of EXCLUDED.filter((x) => x.coveredBy)) {
        const rows = [];
        for (const r of ROWS) {
          const outcome = r.unpaused(w);
          if (!("emits" in outcome)) continue;
          for (const [c, event] of outcome.emits) {
            if ((await c.getAddress()) === ledgerAddress && event === e.coveredBy) rows.push(label(r));
          }
        }
        expect(rows, `${e.signature} has no covering row`).to.not.be.empty;
      }
    });

    it("keeps the deploy-time wiring sealed whether paused or not", async function () {
      const w = await loadFixture(withPauseWorldFixture);
      for (const paused of [false, true]) {
        if (paused) await w.vault.connect(w.guardian).pause();
        await expect(w.vault.connect(w.deployer).setModules(w.stranger.address, w.stranger.address)).to.be.revertedWithCustomError(
          w.vault,
          "VaultModulesAlreadySet",
        );
        await expect(w.ledger.connect(w.deployer).setWriters(w.stranger.address, w.stranger.address)).to.be.revertedWithCustomError(
          w.ledger,
          "LedgerWritersAlreadySet",
        );
      }
    });
  });

  describe("every escrowed unit leaves while paused", function () {
    it("drives every non-final job and channel to a final state and lets everyone withdraw everything", async function () {
      const w = await loadFixture(withPauseWorldFixture);
      const { vault, escrow, channels, usdc, stranger } = w;
      const escrowAddress = await escrow.getAddress();
      const channelsAddress = await channels.getAddress();
      expect(await vault.locked(escrowAddress)).to.be.greaterThan(0n);
      expect(await vault.locked(channelsAddress)).to.be.greaterThan(0n);
      await w.expectSolvent();
      await vault.connect(w.guardian).pause();

      // The client asks to close the open channel; the provider keeps its grace period.
      await channels.connect(w.clientOperator).requestClose(w.chOpen);
      // Past every deadline, review window, grace period and ruling period.
      await time.increase(RULING_PERIOD + REVIEW + 1n);

      // Anyone (a stranger) triggers every exit: no party's cooperation is needed.
      const finalStates = [JobState.Completed, JobState.Refunded, JobState.Cancelled, JobState.Resolved];
      const seen = new Set<bigint>();
      for (const jobId of Object.values(w.jobs)) {
        const state = await escrow.state(jobId);
        seen.add(state);
        if (state === JobState.Funded || state === JobState.Accepted) {
          await expect(escrow.connect(stranger).refund(jobId)).to.emit(escrow, "JobRefunded");
        } else if (state === JobState.Delivered) {
          await expect(escrow.connect(stranger).release(jobId)).to.emit(escrow, "JobCompleted");
        } else if (state === JobState.Disputed) {
          await expect(escrow.connect(stranger).resolveByDefault(jobId)).to.emit(escrow, "JobResolved");
        }
        expect(finalStates).to.include(await escrow.state(jobId));
      }
      expect([...seen].sort()).to.deep.equal([
        JobState.Funded,
        JobState.Accepted,
        JobState.Delivered,
        JobState.Disputed,
        JobState.Completed,
        JobState.Resolved,
      ]);
      for (const channelId of [w.chOpen, w.chClosing]) {
        await expect(channels.connect(stranger).finalizeClose(channelId)).to.emit(channels, "ChannelClosed");
      }
      expect(await vault.locked(escrowAddress)).to.equal(0n);
      expect(await vault.locked(channelsAddress)).to.equal(0n);
      await w.expectSolvent();

      // Owners (or their operators) withdraw every balance; it lands at the payout addresses.
      const payouts = new Map<bigint, string>([
        [w.clientId, w.clientPayout.address],
        [w.providerId, w.providerPayout.address],
      ]);
      const agents = await w.registry.totalAgents();
      for (let id = 1n; id <= agents; id++) {
        const balance = await vault.balanceOf(id);
        if (balance === 0n) continue;
        const owner = await ethers.getSigner(await w.registry.ownerOf(id));
        const payout = payouts.get(id) ?? owner.address;
        await expect(vault.connect(owner).withdraw(id, balance)).to.changeTokenBalances(usdc, [payout, vault], [balance, -balance]);
      }
      expect(await vault.creditOf(await w.arbitrator.getAddress())).to.equal(0n);
      await w.committee.connect(w.deployer).withdrawCredit(w.deployer.address, await vault.creditOf(await w.committee.getAddress()));
      await w.oracleArbitrator
        .connect(w.deployer)
        .withdrawCredit(w.deployer.address, await vault.creditOf(await w.oracleArbitrator.getAddress()));
      await expect(vault.connect(stranger).claimFees()).to.emit(vault, "FeesClaimed");
      expect(await usdc.balanceOf(await vault.getAddress())).to.equal(0n);
      expect(await vault.paused()).to.equal(true);
    });
  });

  describe("the guardian cannot move money", function () {
    /** What the guardian gets from each vault function (paused), derived against the vault ABI below. */
    const GUARDIAN_ATTEMPTS: Record<
      string,
      (w: PauseWorld) => { call: Promise<ContractTransactionResponse>; error: [BaseContract, string, unknown[]] }
    > = {
      "acceptOwnership()": (w) => ({
        call: w.vault.connect(w.guardian).acceptOwnership(),
        error: [w.vault, "OwnableUnauthorizedAccount", [w.guardian.address]],
      }),
      "approveCommitment(uint256,uint256,uint256,uint256,bytes)": (w) => ({
        call: (async () => {
          const d = await deadline();
          const signature = await w.signApproval(w.guardian, w.clientId, w.providerId, 1n, d);
          return w.vault.connect(w.guardian).approveCommitment(w.clientId, w.providerId, 1n, d, signature);
        })(),
        error: [w.vault, "VaultOwnerApprovalInvalid", [w.clientId]],
      }),
      "cancelCommitmentApproval(uint256)": (w) => ({
        call: w.vault.connect(w.guardian).cancelCommitmentApproval(w.clientId),
        error: [w.vault, "VaultNotOwner", [w.clientId, w.guardian.address]],
      }),
      "commit(uint256,uint256,address,uint256,bool,(uint8,uint256,uint256,bytes32,bytes))": (w) => ({
        call: w.vault.connect(w.guardian).commit(w.clientId, w.providerId, w.clientOwner.address, 1n, false, fromBalance()),
        error: [w.vault, "VaultNotModule", [w.guardian.address]],
      }),
      "deposit(uint256,uint256,(uint8,uint256,uint256,bytes32,bytes))": (w) => ({
        call: w.vault.connect(w.guardian).deposit(w.clientId, 1n, fromTransfer()),
        error: [w.vault, "VaultPaused", []],
      }),
      "pause()": (w) => ({ call: w.vault.connect(w.guardian).pause(), error: [w.vault, "VaultPaused", []] }),
      "release(uint256,uint256,uint256)": (w) => ({
        call: w.vault.connect(w.guardian).release(w.clientId, 1n, 0n),
        error: [w.vault, "VaultNotModule", [w.guardian.address]],
      }),
      "releaseTo(address,uint256)": (w) => ({
        call: w.vault.connect(w.guardian).releaseTo(w.guardian.address, 1n),
        error: [w.vault, "VaultNotModule", [w.guardian.address]],
      }),
      "renounceOwnership()": (w) => ({
        call: w.vault.connect(w.guardian).renounceOwnership(),
        error: [w.vault, "OwnableUnauthorizedAccount", [w.guardian.address]],
      }),
      "setAllowlisted(uint256,uint256,bool)": (w) => ({
        call: w.vault.connect(w.guardian).setAllowlisted(w.clientId, w.providerId, true),
        error: [w.vault, "VaultNotOwner", [w.clientId, w.guardian.address]],
      }),
      "setFeeRecipient(address)": (w) => ({
        call: w.vault.connect(w.guardian).setFeeRecipient(w.guardian.address),
        error: [w.vault, "OwnableUnauthorizedAccount", [w.guardian.address]],
      }),
      "setGuardian(address)": (w) => ({
        call: w.vault.connect(w.guardian).setGuardian(w.stranger.address),
        error: [w.vault, "OwnableUnauthorizedAccount", [w.guardian.address]],
      }),
      "setModules(address,address)": (w) => ({
        call: w.vault.connect(w.guardian).setModules(w.guardian.address, w.guardian.address),
        error: [w.vault, "VaultNotDeployer", [w.guardian.address]],
      }),
      "setPayoutAddress(uint256,address)": (w) => ({
        call: w.vault.connect(w.guardian).setPayoutAddress(w.clientId, w.guardian.address),
        error: [w.vault, "VaultNotOwner", [w.clientId, w.guardian.address]],
      }),
      "setProtocolFee(uint16)": (w) => ({
        call: w.vault.connect(w.guardian).setProtocolFee(500n),
        error: [w.vault, "OwnableUnauthorizedAccount", [w.guardian.address]],
      }),
      "setSpendingLimits(uint256,(uint64,uint64,bool))": (w) => ({
        call: w.vault.connect(w.guardian).setSpendingLimits(w.clientId, { perTxCap: 1n, dailyCap: 1n, allowlistOnly: true }),
        error: [w.vault, "VaultNotOwner", [w.clientId, w.guardian.address]],
      }),
      "transferOwnership(address)": (w) => ({
        call: w.vault.connect(w.guardian).transferOwnership(w.guardian.address),
        error: [w.vault, "OwnableUnauthorizedAccount", [w.guardian.address]],
      }),
      "withdraw(uint256,uint256)": (w) => ({
        call: w.vault.connect(w.guardian).withdraw(w.clientId, 1n),
        error: [w.registry, "AgentUnauthorized", [w.clientId, w.guardian.address]],
      }),
      "withdrawCredit(address,uint256)": (w) => ({
        call: w.vault.connect(w.guardian).withdrawCredit(w.guardian.address, 1n),
        error: [w.vault, "VaultInsufficientCredit", [w.guardian.address, 0n, 1n]],
      }),
    };

    it("has pause and unpause as its only powers; they move no money", async function () {
      const w = await loadFixture(withPauseWorldFixture);
      const before = await moneySnapshot(w);
      await expect(w.vault.connect(w.guardian).pause()).to.emit(w.vault, "Paused").withArgs(w.guardian.address);
      expect(await moneySnapshot(w)).to.deep.equal(before);
      await expect(w.vault.connect(w.guardian).unpause()).to.emit(w.vault, "Unpaused").withArgs(w.guardian.address);
      expect(await moneySnapshot(w)).to.deep.equal(before);
      await w.vault.connect(w.guardian).pause();

      // Every other vault function: what the guardian gets (derived from the ABI, so a new function needs a line).
      const vaultFunctions = stateChanging(AgoraVault__factory.abi);
      const unlisted = vaultFunctions.filter((s) => !(s in GUARDIAN_ATTEMPTS) && s !== "unpause()" && s !== "claimFees()");
      expect(unlisted, "vault functions the guardian was not tried on").to.deep.equal([]);
      for (const signature of Object.keys(GUARDIAN_ATTEMPTS)) {
        const { call, error } = GUARDIAN_ATTEMPTS[signature](w);
        const [contract, name, args] = error;
        await expect(call, signature)
          .to.be.revertedWithCustomError(contract, name)
          .withArgs(...args);
      }
      // `claimFees` is open to anyone and pays only the fee recipient.
      const fees = await w.vault.accruedFees();
      expect(fees).to.be.greaterThan(0n);
      await expect(w.vault.connect(w.guardian).claimFees()).to.changeTokenBalances(w.usdc, [w.guardian, w.feeRecipient], [0n, fees]);
      const after = await moneySnapshot(w);
      expect(after).to.deep.equal({
        ...before,
        fees: 0n,
        [`usdc:${w.feeRecipient.address}`]: before[`usdc:${w.feeRecipient.address}`] + fees,
        [`usdc:${await w.vault.getAddress()}`]: before[`usdc:${await w.vault.getAddress()}`] - fees,
      });
    });

    it("cannot act for any party in the modules", async function () {
      const w = await loadFixture(withPauseWorldFixture);
      const { escrow, channels, guardian, registry } = w;
      await w.vault.connect(guardian).pause();
      const before = await moneySnapshot(w);
      const g = guardian.address;
      await expect(escrow.connect(guardian).cancel(w.jobs.funded))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.clientId, g);
      await expect(escrow.connect(guardian).approve(w.jobs.delivered))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.clientId, g);
      await expect(escrow.connect(guardian).deliver(w.jobs.accepted, ethers.ZeroHash, ""))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.providerId, g);
      await expect(escrow.connect(guardian).rule(w.jobs.disputed, 10_000n))
        .to.be.revertedWithCustomError(escrow, "EscrowNotArbitrator")
        .withArgs(w.jobs.disputed, g, await w.arbitrator.getAddress());
      const voucher = await signVoucher(channels, w.clientOperator, w.chOpen, 1n, 10n * USDC);
      await expect(channels.connect(guardian).claim(w.chOpen, 1n, 10n * USDC, voucher))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.providerId, g);
      await expect(channels.connect(guardian).closeByProvider(w.chOpen, 1n, 0n, "0x"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.providerId, g);
      await expect(channels.connect(guardian).requestClose(w.chOpen))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.clientId, g);
      await expect(registry.connect(guardian).freeze(w.clientId))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(w.clientId, g);
      await expect(w.committee.connect(guardian).withdrawCredit(g, COMMITTEE_FEE))
        .to.be.revertedWithCustomError(w.committee, "OwnableUnauthorizedAccount")
        .withArgs(g);
      expect(await moneySnapshot(w)).to.deep.equal(before);
    });

    it("admin functions change no balance, credit or locked amount, and a fee change spares existing jobs", async function () {
      const w = await loadFixture(withPauseWorldFixture);
      const { vault, deployer, escrow } = w;
      const before = await moneySnapshot(w);
      await vault.connect(deployer).setProtocolFee(500n);
      await vault.connect(deployer).setFeeRecipient(w.stranger.address);
      await vault.connect(deployer).setGuardian(w.stranger.address);
      await vault.connect(deployer).transferOwnership(w.stranger.address);
      expect(await moneySnapshot(w)).to.deep.equal(before);
      // The admin has no path to an agent's balance or to locked money either.
      await expect(vault.connect(deployer).withdraw(w.clientId, 1n))
        .to.be.revertedWithCustomError(w.registry, "AgentUnauthorized")
        .withArgs(w.clientId, deployer.address);
      await expect(vault.connect(deployer).release(w.clientId, 1n, 0n))
        .to.be.revertedWithCustomError(vault, "VaultNotModule")
        .withArgs(deployer.address);
      await expect(vault.connect(deployer).releaseTo(deployer.address, 1n))
        .to.be.revertedWithCustomError(vault, "VaultNotModule")
        .withArgs(deployer.address);
      // A job created at 1% still pays 1% after the admin raised the fee to 5%.
      const provider = await vault.balanceOf(w.providerId);
      await expect(escrow.connect(w.clientOperator).approve(w.jobs.delivered))
        .to.emit(escrow, "JobCompleted")
        .withArgs(
          w.jobs.delivered,
          w.clientId,
          w.providerId,
          PRICE - feeOn(PRICE, FEE_BPS),
          feeOn(PRICE, FEE_BPS),
          0n,
          0n,
          w.clientOperator.address,
        );
      expect(await vault.balanceOf(w.providerId)).to.equal(provider + PRICE - feeOn(PRICE, FEE_BPS));
    });
  });
});
