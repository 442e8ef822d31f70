/**
 * Where the APIs that speak CREST queries differ. IDM speaks CREST as ForgeRock commons does (its queries also run in
 * SQL, so its in-memory answers must equal its SQL ones); IGA's lists follow IGA's own habits.
 */
export interface CrestDialect {
  /** Pointers may be dotted (`a.b` is `/a/b`), as IGA writes them; CREST reads a dot as part of a name. */
  dottedPointers: boolean;
  /** An empty `_queryFilter` matches everything (IGA); CREST refuses it. */
  emptyFilterMatchesAll: boolean;
  /** `eq`, `co` and `sw` compare strings ignoring case (IGA); CREST compares them exactly. */
  ignoreCase: boolean;
  /** Missing values sort last both ways (IGA); else last ascending and first descending, as SQL's default order. */
  missingLastBothWays: boolean;
  /** `_fields` keeps a top-level field whole even when a nested pointer names it (IGA); CREST picks nested fields. */
  wholeTopLevelFields: boolean;
}

export const IDM_DIALECT: CrestDialect = {
  dottedPointers: false,
  emptyFilterMatchesAll: false,
  ignoreCase: false,
  missingLastBothWays: false,
  wholeTopLevelFields: false,
};

export const IGA_DIALECT: CrestDialect = {
  dottedPointers: true,
  emptyFilterMatchesAll: true,
  ignoreCase: true,
  missingLastBothWays: true,
  wholeTopLevelFields: true,
};
