import {
  AgentRegistry__factory,
  AgoraVault__factory,
  JobEscrow__factory,
  ListingRegistry__factory,
  PaymentChannels__factory,
  ReputationLedger__factory,
} from "../typechain-types";
import { addressOf, isDeployed, record, type DeployStep } from "./context";

/** The core contracts, in dependency order. Each is skipped when already deployed. */
export const deployCore: DeployStep = {
  name: "core",
  async run(ctx) {
    const { deployer, config } = ctx;
    if (!(await isDeployed(ctx, "AgentRegistry"))) {
      await record(ctx, "AgentRegistry", await new AgentRegistry__factory(deployer).deploy());
    }
    if (!(await isDeployed(ctx, "AgoraVault"))) {
      const vault = await new AgoraVault__factory(deployer).deploy(
        ctx.manifest.usdc,
        addressOf(ctx, "AgentRegistry"),
        config.admin,
        config.guardian,
        config.feeRecipient,
        config.feeBps,
      );
      await record(ctx, "AgoraVault", vault);
    }
    if (!(await isDeployed(ctx, "ReputationLedger"))) {
      await record(ctx, "ReputationLedger", await new ReputationLedger__factory(deployer).deploy());
    }
    if (!(await isDeployed(ctx, "ListingRegistry"))) {
      const listings = await new ListingRegistry__factory(deployer).deploy(
        addressOf(ctx, "AgentRegistry"),
        addressOf(ctx, "AgoraVault"),
      );
      await record(ctx, "ListingRegistry", listings);
    }
    if (!(await isDeployed(ctx, "JobEscrow"))) {
      const escrow = await new JobEscrow__factory(deployer).deploy(
        addressOf(ctx, "AgoraVault"),
        addressOf(ctx, "AgentRegistry"),
        addressOf(ctx, "ListingRegistry"),
        addressOf(ctx, "ReputationLedger"),
      );
      await record(ctx, "JobEscrow", escrow);
    }
    if (!(await isDeployed(ctx, "PaymentChannels"))) {
      const channels = await new PaymentChannels__factory(deployer).deploy(
        addressOf(ctx, "AgoraVault"),
        addressOf(ctx, "AgentRegistry"),
        addressOf(ctx, "ReputationLedger"),
      );
      await record(ctx, "PaymentChannels", channels);
    }
  },
};
