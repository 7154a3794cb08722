import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Imports point downwards only: features -> state, hooks, ui, lib, api; hooks -> state, lib,
 * api; state -> lib, api; api, ui and lib -> nothing of the app above them. A wrong import fails
 * `npm run lint`.
 */
/** @param {string} name */
const layer = (name) => [`**/${name}`, `**/${name}/**`, `./${name}`, `./${name}/**`];
/**
 * @param {...string} forbidden
 * @returns {import('eslint').Linter.RulesRecord}
 */
function importsOnlyDown(...forbidden) {
  return {
    'no-restricted-imports': [
      /** @type {const} */ ('error'),
      {
        patterns: forbidden.map((name) => ({
          group: layer(name),
          message: `Imports point downwards (docs/WEB.md, "Layout"): this folder must not import ${name}/.`,
        })),
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'e2e/artifacts', 'src/api/schema.d.ts', 'src/api/ws-schema.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { 'react-refresh': reactRefresh },
    rules: {
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/api/**/*.{ts,tsx}'], rules: importsOnlyDown('state', 'features', 'hooks', 'ui') },
  { files: ['src/lib/**/*.{ts,tsx}'], rules: importsOnlyDown('api', 'state', 'features', 'hooks', 'ui') },
  { files: ['src/ui/**/*.{ts,tsx}'], rules: importsOnlyDown('api', 'state', 'features', 'hooks') },
  { files: ['src/state/**/*.{ts,tsx}'], rules: importsOnlyDown('features', 'hooks', 'ui') },
  { files: ['src/hooks/**/*.{ts,tsx}'], rules: importsOnlyDown('features', 'ui') },
  {
    files: ['src/**/*.test.{ts,tsx}'],
    rules: { 'react-refresh/only-export-components': 'off' },
  },
  {
    files: ['*.{js,ts}', 'e2e/**/*.{js,ts,mjs}', 'scripts/**/*.{js,mjs,ts}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.node },
  },
);
