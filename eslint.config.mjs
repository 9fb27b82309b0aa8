// Lint of the viewer's ES modules and their tests (run by tests/test_js.py; dev tool only).
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['geo/assets/js/**/*.mjs'],
    languageOptions: {ecmaVersion: 2020, sourceType: 'module', globals: {...globals.browser, L: 'readonly'}},
    rules: {
      'no-eval': 'error', 'no-implied-eval': 'error', 'no-new-func': 'error', 'no-script-url': 'error',
      'no-restricted-properties': ['error',
        {property: 'innerHTML', message: 'data reaches the DOM as text only'},
        {property: 'outerHTML', message: 'data reaches the DOM as text only'},
        {property: 'insertAdjacentHTML', message: 'data reaches the DOM as text only'}],
      'no-var': 'error', 'prefer-const': 'error', eqeqeq: ['error', 'smart'],
      'no-unused-vars': ['error', {args: 'none'}],
    },
  },
  {
    files: ['tests/js/**/*.mjs'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.node},
  },
];
