import { CommitteeArbitrator__factory, HashValidator__factory, OracleArbitrator__factory } from "../typechain-types";
import { addressOf, isDeployed, record, type DeployStep } from "./context";

/** Reference arbitrators (m-of-n committee, AI oracle) and the hash validator. */
export const deployPeriphery: DeployStep = {
  name: "periphery",
  async run(ctx) {
    const { deployer, config } = ctx;
    const escrow = addressOf(ctx, "JobEscrow");
    const vault = addressOf(ctx, "AgoraVault");
    if (!(await isDeployed(ctx, "CommitteeArbitrator"))) {
      const committee = await new CommitteeArbitrator__factory(deployer).deploy(
        escrow,
        vault,
        config.committee,
        config.committeeThreshold,
        config.arbitrationFee,
        config.admin,
      );
      await record(ctx, "CommitteeArbitrator", committee);
    }
    if (!(await isDeployed(ctx, "OracleArbitrator"))) {
      const oracle = await new OracleArbitrator__factory(deployer).deploy(escrow, vault, config.oracle, config.arbitrationFee, config.admin);
      await record(ctx, "OracleArbitrator", oracle);
    }
    if (!(await isDeployed(ctx, "HashValidator"))) {
      await record(ctx, "HashValidator", await new HashValidator__factory(deployer).deploy());
    }
  },
};
