import { BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import { Agent, Owner, Protocol, SpendingLimit } from "../../generated/schema";
import { ZERO, ZERO_ADDRESS } from "./constants";
import { idOf } from "./ids";
import { getOrCreateReputation } from "./reputation";

/** The Owner of `address`, created (and counted in the protocol) on first use. */
export function getOrCreateOwner(address: Bytes, protocol: Protocol, event: ethereum.Event): Owner {
  let owner = Owner.load(address);
  if (owner == null) {
    owner = new Owner(address);
    owner.agentCount = 0;
    owner.firstSeenAt = event.block.timestamp;
    protocol.ownerCount = protocol.ownerCount + 1;
  }
  return owner;
}

/**
 * Creates the agent minted to `owner` with its reputation and spending limits (all zero). Registration details are
 * filled by the Registered event that follows the mint's Transfer.
 */
export function createAgent(agentId: BigInt, owner: Bytes, event: ethereum.Event): Agent {
  const id = idOf(agentId);
  const agent = new Agent(id);
  agent.agentId = agentId;
  agent.owner = owner;
  agent.operator = owner;
  agent.walletNonce = ZERO;
  agent.uri = "";
  agent.frozen = false;
  agent.balance = ZERO;
  agent.registeredAt = event.block.timestamp;
  agent.registeredAtBlock = event.block.number;
  agent.registrationTransaction = event.transaction.hash;
  agent.listingCount = 0;
  agent.activeListingCount = 0;
  agent.jobsAsClientCount = 0;
  agent.jobsAsProviderCount = 0;
  agent.channelsAsClientCount = 0;
  agent.channelsAsProviderCount = 0;
  agent.approvalNonce = ZERO;

  const reputation = getOrCreateReputation(agentId, event);
  reputation.save();
  agent.reputation = reputation.id;

  const limit = new SpendingLimit(id);
  limit.agent = id;
  limit.perTxCap = ZERO;
  limit.dailyCap = ZERO;
  limit.allowlistOnly = false;
  limit.spentInWindow = ZERO;
  limit.operatorSpentTotal = ZERO;
  limit.updatedAt = event.block.timestamp;
  limit.save();
  agent.spendingLimit = id;
  return agent;
}

/**
 * The agent `agentId`. Every Agora event names registered agents only, so a miss means the AgentRegistry data
 * source is misconfigured: it is logged and a placeholder agent owned by the zero address is created.
 */
export function getAgent(agentId: BigInt, event: ethereum.Event): Agent {
  const agent = Agent.load(idOf(agentId));
  if (agent != null) return agent;
  log.warning("agent {} referenced before its registration (tx {})", [agentId.toString(), event.transaction.hash.toHexString()]);
  let owner = Owner.load(ZERO_ADDRESS);
  if (owner == null) {
    owner = new Owner(ZERO_ADDRESS);
    owner.agentCount = 0;
    owner.firstSeenAt = event.block.timestamp;
    owner.save();
  }
  const created = createAgent(agentId, ZERO_ADDRESS, event);
  created.operator = null;
  created.save();
  return created;
}

/** The agent if it exists (for ids an owner may name before the agent exists, e.g. allow-lists). */
export function findAgent(agentId: BigInt): string | null {
  const id = idOf(agentId);
  return Agent.load(id) != null ? id : null;
}
