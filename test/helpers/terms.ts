import { ethers } from "hardhat";
import type { JobEscrow } from "../../typechain-types";

/** The `termsHash` a client passes to `createJob` for `listingId`: the listing's current terms. */
export async function termsHashFor(escrow: JobEscrow, listingId: bigint): Promise<string> {
  const listings = await ethers.getContractAt("ListingRegistry", await escrow.LISTINGS());
  return listings.termsHash(listingId);
}
