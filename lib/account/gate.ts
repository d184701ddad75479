/**
 * Where a user who must use two-factor sign-in but has not enrolled yet is sent: the one
 * page (with the other account pages) that such a session may open. The gate itself is
 * in lib/account/auth.ts (requireUser), which every page, action and route handler passes.
 */
export const ENROL_PATH = "/account/two-factor";
