export * from "./graphql";
export * from "./queries";
