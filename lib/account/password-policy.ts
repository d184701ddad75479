/** Shared by the browser, the CLIs and the server. */
export const MIN_PASSWORD_LENGTH = 12;
