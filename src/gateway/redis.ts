// Placeholder: this entry's module is being written.
export {}
