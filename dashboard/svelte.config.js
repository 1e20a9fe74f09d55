// Read by vite-plugin-svelte (vite.config.ts points at this file) and by svelte-check.
export default {
  // Runes only: legacy reactive statements and `export let` are compile errors.
  compilerOptions: { runes: true },
};
