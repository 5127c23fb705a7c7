import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125150000_search } from './Migration20261125150000_search.js';
import { Migration20261125160000_search_functions } from './Migration20261125160000_search_functions.js';

/** The search module's migrations, oldest first. Names are `search/<class name>`. */
export const searchMigrations: MigrationObject[] = [
  { name: 'search/Migration20261125150000_search', class: Migration20261125150000_search },
  {
    name: 'search/Migration20261125160000_search_functions',
    class: Migration20261125160000_search_functions,
  },
];
