// How every browser test, story test, screenshot and benchmark launches Debian's Chromium (playwright-core
// never downloads a browser). The flags keep it off the network: no background services, updates or sync.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
}
