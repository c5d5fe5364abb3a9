import type { DeployStep } from "./context";

/** Reference arbitrators and validator (filled in with the escrow's periphery contracts). */
export const deployPeriphery: DeployStep = {
  name: "periphery",
  async run() {},
};
