// The size test's control: a bundle that does import the gateway next to the React entry, so the check that no
// browser entry contains gateway code is shown to see it when it is there.
export * from '../../src/gateway/index'
export * from '../../src/index'
