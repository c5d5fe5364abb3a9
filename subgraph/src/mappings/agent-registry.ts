/**
 * AgentRegistry: agent identities (ERC-721, ERC-8004 surface), operator wallets and freezes.
 * Log order of a registration: Transfer (mint), Registered, AgentWalletChanged, MetadataSet(agentWallet), then one
 * MetadataSet per registration entry. A transfer emits Transfer, then AgentWalletChanged (wallet cleared).
 */
import {
  AgentFreezeChanged as AgentFreezeChangedEvent,
  AgentWalletChanged as AgentWalletChangedEvent,
  MetadataSet as MetadataSetEvent,
  Registered as RegisteredEvent,
  Transfer as TransferEvent,
  URIUpdated as URIUpdatedEvent,
} from "../../generated/AgentRegistry/AgentRegistry";
import {
  Agent,
  AgentFreezeChanged,
  AgentMetadata,
  AgentWalletChanged,
  MetadataSet,
  PayoutAddress,
  Registered,
  Reputation,
  Transfer,
  URIUpdated,
} from "../../generated/schema";
import { createAgent, getAgent, getOrCreateOwner } from "../helpers/agents";
import { Config, defaultConfig } from "../helpers/config";
import { ZERO_ADDRESS } from "../helpers/constants";
import { eventId, idOf, payoutAddressId, stampEvent } from "../helpers/ids";
import { syncProviderListings } from "../helpers/listings";
import { getDailyStat, getProtocol, saveStats } from "../helpers/protocol";

export function handleTransfer(event: TransferEvent): void {
  handleTransferImpl(event, defaultConfig());
}

/** Moves the agent to its new owner (creating it on mint) and keeps both owners' counts. */
export function handleTransferImpl(event: TransferEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.agentRegistry = event.address;
  const agentId = event.params.tokenId;
  const from = event.params.from;
  const to = event.params.to;

  let agent: Agent;
  if (from.equals(ZERO_ADDRESS)) {
    const existing = Agent.load(idOf(agentId));
    agent = existing != null ? existing : createAgent(agentId, to, event);
  } else {
    agent = getAgent(agentId, event);
    const previous = getOrCreateOwner(from, protocol, event);
    previous.agentCount = previous.agentCount - 1;
    previous.save();
  }
  // Loaded after the previous owner was saved, so a transfer to oneself nets to zero.
  const next = getOrCreateOwner(to, protocol, event);
  next.agentCount = next.agentCount + 1;
  next.save();
  agent.owner = to;
  // The vault keys payout addresses by owner: the new owner's own setting (if any) applies.
  const payout = PayoutAddress.load(payoutAddressId(agent.id, to));
  agent.payoutAddress = payout != null ? payout.payout : null;
  agent.save();

  const entity = new Transfer(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.from = from;
  entity.to = to;
  entity.save();
  protocol.save();
}

export function handleRegistered(event: RegisteredEvent): void {
  handleRegisteredImpl(event, defaultConfig());
}

/** Fills the registration details of the agent the mint created and counts it. */
export function handleRegisteredImpl(event: RegisteredEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.agentRegistry = event.address;
  const day = getDailyStat(config, event);
  const agent = getAgent(event.params.agentId, event);
  agent.uri = event.params.agentURI;
  agent.registeredAt = event.block.timestamp;
  agent.registeredAtBlock = event.block.number;
  agent.registrationTransaction = event.transaction.hash;
  agent.save();

  const entity = new Registered(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.agentURI = event.params.agentURI;
  entity.owner = event.params.owner;
  entity.save();

  protocol.agentCount = protocol.agentCount + 1;
  day.agentsRegistered = day.agentsRegistered + 1;
  saveStats(protocol, day);
}

export function handleURIUpdated(event: URIUpdatedEvent): void {
  handleURIUpdatedImpl(event, defaultConfig());
}

export function handleURIUpdatedImpl(event: URIUpdatedEvent, config: Config): void {
  const agent = getAgent(event.params.agentId, event);
  agent.uri = event.params.newURI;
  agent.save();

  const entity = new URIUpdated(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.newURI = event.params.newURI;
  entity.updatedBy = event.params.updatedBy;
  entity.save();
}

export function handleMetadataSet(event: MetadataSetEvent): void {
  handleMetadataSetImpl(event, defaultConfig());
}

/** Stores the entry (the reserved `agentWallet` key included, as ERC-8004 `getMetadata` reads it). */
export function handleMetadataSetImpl(event: MetadataSetEvent, config: Config): void {
  const agent = getAgent(event.params.agentId, event);
  const key = event.params.metadataKey;
  const id = agent.id + "-" + key;
  let entry = AgentMetadata.load(id);
  if (entry == null) {
    entry = new AgentMetadata(id);
    entry.agent = agent.id;
    entry.key = key;
  }
  entry.value = event.params.metadataValue;
  entry.updatedAt = event.block.timestamp;
  entry.save();

  const entity = new MetadataSet(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.key = key;
  entity.value = event.params.metadataValue;
  entity.save();
}

export function handleAgentWalletChanged(event: AgentWalletChangedEvent): void {
  handleAgentWalletChangedImpl(event, defaultConfig());
}

export function handleAgentWalletChangedImpl(event: AgentWalletChangedEvent, config: Config): void {
  const agent = getAgent(event.params.agentId, event);
  const wallet = event.params.newWallet;
  agent.operator = wallet.equals(ZERO_ADDRESS) ? null : wallet;
  agent.walletNonce = event.params.nonce;
  agent.save();

  const entity = new AgentWalletChanged(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.previousWallet = event.params.previousWallet;
  entity.newWallet = wallet;
  entity.nonce = event.params.nonce;
  entity.save();
}

export function handleAgentFreezeChanged(event: AgentFreezeChangedEvent): void {
  handleAgentFreezeChangedImpl(event, defaultConfig());
}

/** Sets the freeze flag and copies it into the agent's listings (discovery can skip frozen providers). */
export function handleAgentFreezeChangedImpl(event: AgentFreezeChangedEvent, config: Config): void {
  const agent = getAgent(event.params.agentId, event);
  agent.frozen = event.params.frozen;
  agent.save();
  const rep = Reputation.load(agent.reputation);
  if (rep != null) syncProviderListings(agent, rep, event);

  const entity = new AgentFreezeChanged(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.frozen = event.params.frozen;
  entity.owner = event.params.owner;
  entity.save();
}
