import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// DESIGN.md "Imports flow one way": domain <- db, notify/actions <- front, back <- commands <-
// cli; front and back never import each other; domain imports nothing of ours but domain.
// config.ts (typed settings, no I/O but process.env) may be read by every layer above domain,
// db included (connect.ts redacts the URL with it), and itself imports only domain.
const LAYERS = 'see DESIGN.md "Imports flow one way"';
const layerZones = [
  {
    target: './src/domain',
    from: './src',
    except: ['./domain'],
    message: `domain imports only domain: ${LAYERS}`,
  },
  {
    target: './src/config.ts',
    from: './src',
    except: ['./domain', './config.ts'],
    message: `config imports only domain: ${LAYERS}`,
  },
  {
    target: './src/db',
    from: './src',
    except: ['./db', './domain', './config.ts'],
    message: `db imports only domain and config: ${LAYERS}`,
  },
  // outbound is the one HTTP client with the one address policy (DESIGN.md "Outbound calls
  // and trust"): an edge like db, used by notify and actions.
  {
    target: './src/outbound',
    from: './src',
    except: ['./outbound', './domain', './config.ts'],
    message: `outbound imports only domain and config: ${LAYERS}`,
  },
  {
    target: './src/notify',
    from: './src',
    except: ['./notify', './outbound', './domain', './config.ts'],
    message: `notify imports only outbound, domain and config: ${LAYERS}`,
  },
  {
    target: './src/actions',
    from: './src',
    except: ['./actions', './outbound', './domain', './config.ts'],
    message: `actions import only outbound, domain and config: ${LAYERS}`,
  },
  ...['./src/back', './src/commands', './src/cli.ts'].map((from) => ({
    target: './src/front',
    from,
    message: `front never imports back, commands or cli: ${LAYERS}`,
  })),
  ...['./src/front', './src/commands', './src/cli.ts'].map((from) => ({
    target: './src/back',
    from,
    message: `back never imports front, commands or cli: ${LAYERS}`,
  })),
  {
    target: './src/commands',
    from: './src/cli.ts',
    message: `commands never import cli: ${LAYERS}`,
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cronwatch/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The pages' script runs in the browser, as a classic script (no modules, no build).
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'fetch',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
          'URLSearchParams',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // The sources import './x.js' for './x.ts' (ESM as compiled): resolve them to the .ts.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: layerZones },
      ],
    },
  },
  {
    // The layering rules of DESIGN.md: pg only under src/db, process.env only in config.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'pg', message: 'pg is imported only under src/db' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through src/config.ts' },
      ],
    },
  },
);
