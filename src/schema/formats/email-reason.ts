/**
 * Why a string is not an email address, in the words of python-email-validator, which pydantic's
 * `EmailStr` reports as `value is not a valid email address: <reason>`. Covers the common
 * shapes; anything else gets a general sentence.
 *
 * @example
 * emailReason("foo") // "An email address must have an @-sign."
 * emailReason("a b@c.com") // "The email address contains invalid characters before the @-sign: SPACE."
 */
export function emailReason(input: string): string {
  const at = input.indexOf("@");
  if (at === -1) return "An email address must have an @-sign.";
  const local = input.slice(0, at);
  const domain = input.slice(at + 1);
  if (local === "") return "There must be something before the @-sign.";
  if (domain === "") return "There must be something after the @-sign.";
  const badLocal = invalidCharacters(local, /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/);
  if (badLocal) return `The email address contains invalid characters before the @-sign: ${badLocal}.`;
  if (local.startsWith(".")) return "An email address cannot start with a period.";
  if (local.endsWith(".")) return "An email address cannot have a period immediately before the @-sign.";
  if (local.includes("..")) return "An email address cannot have two periods in a row.";
  const badDomain = invalidCharacters(domain, /[A-Za-z0-9.-]/);
  if (badDomain) return `The part after the @-sign contains invalid characters: ${badDomain}.`;
  if (domain.startsWith(".")) return "An email address cannot have a period immediately after the @-sign.";
  if (domain.startsWith("-")) return "An email address cannot have a hyphen immediately after the @-sign.";
  if (domain.includes("..")) return "An email address cannot have two periods in a row.";
  if (!domain.includes(".")) return "The part after the @-sign is not valid. It should have a period.";
  return "The part after the @-sign is not valid.";
}

/** The distinct characters of `text` not matched by `allowed`, sorted and shown as the validator does. */
function invalidCharacters(text: string, allowed: RegExp): string {
  const bad = new Set<string>();
  for (const character of text) if (!allowed.test(character)) bad.add(character);
  return [...bad].sort().map(displayCharacter).join(", ");
}

function displayCharacter(character: string): string {
  if (character === " ") return "SPACE";
  if (character === "\t") return "TAB";
  if (character === "\n") return "LINE FEED";
  if (character === "\r") return "CARRIAGE RETURN";
  return `'${character}'`;
}
