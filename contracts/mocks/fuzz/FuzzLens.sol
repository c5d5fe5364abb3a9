// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAgentRegistry} from "../../interfaces/IAgentRegistry.sol";
import {IAgoraVault} from "../../interfaces/IAgoraVault.sol";
import {IJobEscrow} from "../../interfaces/IJobEscrow.sol";
import {IListingRegistry} from "../../interfaces/IListingRegistry.sol";
import {IPaymentChannels} from "../../interfaces/IPaymentChannels.sol";
import {IReputationLedger} from "../../interfaces/IReputationLedger.sol";

/// @title FuzzLens
/// @notice Test only: reads everything the stateful fuzzer compares with its model in one `eth_call`, as a flat
/// `uint256[]` (layout decoded in test/invariant/harness/world.ts), so a command costs one read round trip.
/// @custom:security-contact security@agora.example
contract FuzzLens {
    struct Query {
        IAgoraVault vault;
        IJobEscrow escrow;
        IPaymentChannels channels;
        IReputationLedger ledger;
        IListingRegistry listings;
        IAgentRegistry registry;
        uint256[] agentIds;
        address[] holders; // token balances
        address[] creditors; // vault credits
        bytes32[] channelIds;
    }

    uint256 private constant HEADER = 10;
    uint256 private constant PER_AGENT = 16;
        uint256 private constant PER_JOB = 3;
    uint256 private constant PER_CHANNEL = 4;
    uint256 private constant PER_LISTING = 3;

    /// @notice The current block time (what `eth_call` sees).
    function timestamp() external view returns (uint256) {
        return block.timestamp;
    }

    /// @notice Every figure of one deployment, flattened.
    function read(Query calldata q) external view returns (uint256[] memory out) {
        IERC20 token = q.vault.USDC();
        uint256 jobs = q.escrow.totalJobs();
        uint256 listingCount = q.listings.totalListings();
        uint256 n = HEADER + q.agentIds.length * PER_AGENT + q.holders.length + q.creditors.length + jobs * PER_JOB
            + q.channelIds.length * PER_CHANNEL + listingCount * PER_LISTING;
        out = new uint256[](n);
        out[0] = block.timestamp;
        out[1] = token.balanceOf(address(q.vault));
        out[2] = q.vault.paused() ? 1 : 0;
        out[3] = q.vault.accruedFees();
        out[4] = q.vault.locked(address(q.escrow));
        out[5] = q.vault.locked(address(q.channels));
        out[6] = q.vault.protocolFeeBps();
        out[7] = jobs;
        out[8] = q.registry.totalAgents();
        out[9] = listingCount;
        uint256 k = HEADER;
        for (uint256 i; i < q.agentIds.length; ++i) {
            k = _agent(q, q.agentIds[i], out, k);
        }
        for (uint256 i; i < q.holders.length; ++i) {
            out[k++] = token.balanceOf(q.holders[i]);
        }
        for (uint256 i; i < q.creditors.length; ++i) {
            out[k++] = q.vault.creditOf(q.creditors[i]);
        }
        for (uint256 id = 1; id <= jobs; ++id) {
            k = _job(q.escrow, id, out, k);
        }
        for (uint256 i; i < q.channelIds.length; ++i) {
            IPaymentChannels.Channel memory c = q.channels.getChannel(q.channelIds[i]);
            out[k++] = c.deposit;
            out[k++] = c.claimed;
            out[k++] = uint256(c.epoch) | (uint256(c.status) << 64) | (uint256(c.graceEndsAt) << 72)
                | (uint256(c.feeBps) << 112) | (c.sameOwner ? 1 << 128 : 0);
            out[k++] = uint160(c.payerAuthorizer);
        }
        for (uint256 id = 1; id <= listingCount; ++id) {
            IListingRegistry.Listing memory li = q.listings.getListing(id);
            out[k++] = uint256(li.status) | (uint256(li.pricing) << 8) | (uint256(li.price) << 16) | (uint256(li.providerId) << 80)
                | (uint256(li.collateralBps) << 144) | (uint256(li.slaSeconds) << 160) | (uint256(li.reviewWindow) << 192);
            out[k++] = uint160(li.arbitrator);
            out[k++] = uint160(li.validator);
        }
    }

    function _agent(Query calldata q, uint256 agentId, uint256[] memory out, uint256 k) private view returns (uint256) {
        IReputationLedger.Stats memory s = q.ledger.stats(agentId);
        IAgoraVault.SpendingLimits memory lim = q.vault.spendingLimits(agentId);
        (uint256 apCounterparty, uint256 apAmount, uint256 apDeadline,) = q.vault.pendingApproval(agentId);
        out[k++] = q.vault.balanceOf(agentId);
        out[k++] = q.vault.spentInWindow(agentId);
        out[k++] = q.vault.approvalNonce(agentId);
        out[k++] = apAmount | (apCounterparty << 96) | (apDeadline << 160);
        out[k++] = uint256(s.completed) | (uint256(s.onTime) << 32) | (uint256(s.refundedLate) << 64)
            | (uint256(s.disputesWon) << 96) | (uint256(s.disputesLost) << 128) | (uint256(s.feedbackCount) << 160);
        out[k++] = s.volumeEarned;
        out[k++] = s.volumeSpent;
        out[k++] = s.feedbackWeight;
        out[k++] = s.feedbackWeightedScore;
        out[k++] = s.latencySum;
        out[k++] = uint160(q.registry.ownerOf(agentId));
        out[k++] = uint160(q.registry.getAgentWallet(agentId));
        out[k++] = q.registry.isFrozen(agentId) ? 1 : 0;
        out[k++] = uint256(lim.perTxCap) | (uint256(lim.dailyCap) << 64) | (lim.allowlistOnly ? 1 << 128 : 0);
        out[k++] = uint160(q.vault.payoutAddress(agentId));
        out[k++] = q.ledger.score(agentId);
        return k;
    }

    function _job(IJobEscrow escrow, uint256 id, uint256[] memory out, uint256 k) private view returns (uint256) {
        IJobEscrow.Job memory j = escrow.getJob(id);
        out[k++] = uint256(j.state) | (uint256(j.amount) << 8) | (uint256(j.collateral) << 72) | (uint256(j.arbitrationFee) << 136)
            | (uint256(j.feeBps) << 200) | (j.selfDealing ? 1 << 216 : 0) | (j.clientFeedbackGiven ? 1 << 217 : 0)
            | (j.providerFeedbackGiven ? 1 << 218 : 0);
        out[k++] = uint256(j.deadline) | (uint256(j.reviewEndsAt) << 32) | (uint256(j.disputedAt) << 64) | (uint256(j.settledAt) << 96)
            | (uint256(j.startedAt) << 128) | (uint256(j.onTimeBy) << 160) | (uint256(j.reviewWindow) << 192);
        out[k++] = uint256(j.clientId) | (uint256(j.providerId) << 64);
        return k;
    }
}
