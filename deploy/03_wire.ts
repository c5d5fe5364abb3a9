import { AgoraVault__factory, ReputationLedger__factory } from "../typechain-types";
import { addressOf, type DeployStep } from "./context";

/** Seals the module wiring: the vault's two settlement modules and the ledger's two writers, set once. */
export const wireModules: DeployStep = {
  name: "wire",
  async run(ctx) {
    const escrow = addressOf(ctx, "JobEscrow");
    const channels = addressOf(ctx, "PaymentChannels");
    const vault = AgoraVault__factory.connect(addressOf(ctx, "AgoraVault"), ctx.deployer);
    if ((await vault.escrow()) === "0x0000000000000000000000000000000000000000") {
      await (await vault.setModules(escrow, channels)).wait();
      ctx.log("  vault modules set");
    }
    const ledger = ReputationLedger__factory.connect(addressOf(ctx, "ReputationLedger"), ctx.deployer);
    if ((await ledger.escrow()) === "0x0000000000000000000000000000000000000000") {
      await (await ledger.setWriters(escrow, channels)).wait();
      ctx.log("  ledger writers set");
    }
  },
};
