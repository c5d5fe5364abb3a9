import { MockUSDC__factory } from "../typechain-types";
import { CIRCLE_USDC, isDeployed, record, type DeployStep } from "./context";

/** USDC: Circle's token on Base networks, a MockUSDC everywhere else. */
export const deployUsdc: DeployStep = {
  name: "usdc",
  async run(ctx) {
    const circle = CIRCLE_USDC[ctx.network];
    if (circle) {
      ctx.manifest.usdc = circle;
      ctx.log(`  USDC (Circle)          ${circle}`);
      return;
    }
    if (!(await isDeployed(ctx, "MockUSDC"))) {
      await record(ctx, "MockUSDC", await new MockUSDC__factory(ctx.deployer).deploy());
    }
    ctx.manifest.usdc = ctx.manifest.contracts.MockUSDC.address;
  },
};
