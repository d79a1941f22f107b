// The iost SDK 0.1.22 ships no type declarations; tests use it untyped.
declare module "iost";
