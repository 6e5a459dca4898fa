/**
 * The default cross-tab channel and lock name (`crossTab.name`). Add-ons that talk between tabs (the idle
 * timeout) derive their own names from the client's (`client.getTabInfo().name`), this one by default.
 */
export const DEFAULT_CHANNEL_NAME = 'react-jwt-session'
