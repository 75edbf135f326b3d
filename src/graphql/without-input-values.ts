// graphql-js (16) quotes the offending value in its messages about arguments and variables of the
// wrong type: "String cannot represent a non string value: 9876543210". The value is the caller's,
// but a phone number or email then travels on in client logs and tracing; c360's own errors name
// the argument and never the value, and these follow suit. The rules below know graphql-js's
// message shapes; what follows a value that is cut is kept only where it is one of the reasons
// graphql-js gives (which name types and fields of the schema, not values).

/** Where graphql-js's reasons begin, after the value they follow ("…value; <reason>"). */
const REASON = /; ((?:Expected |Field "|(?:Int|Float|String|Boolean|ID) cannot represent|Enum "|Value ")[\s\S]*)$/;

/** The message of one reason (a scalar's, an enum's, an input object's), without the value it quotes. */
function reasonWithoutValue(reason: string): string {
  const scalar = /^((?:Int|Float|String|Boolean|ID|Enum "[^"]+") cannot represent [^:]*?)(?::|\.$)/.exec(reason);
  if (scalar) return `${scalar[1]}.`;
  const enumValue = /^Value "[\s\S]*?" does not exist in ("[^"]+" enum\.[\s\S]*)$/.exec(reason);
  if (enumValue) return `The value does not exist in ${enumValue[1]}`;
  const literal = /^(Expected value of type "[^"]+"), found [\s\S]*$/.exec(reason);
  if (literal) return withReasonOf(literal[1] ?? '', reason);
  return reason;
}

/** `head`, then the reason the rest of `message` gives after the value, if it gives one. */
function withReasonOf(head: string, message: string): string {
  const reason = REASON.exec(message.slice(head.length));
  return reason ? `${head}; ${reasonWithoutValue(reason[1] ?? '')}` : `${head}.`;
}

/** `message` from graphql-js without the input value it quotes; other messages unchanged. */
export function withoutInputValues(message: string): string {
  const variable = /^(Variable "\$[^"]+") got invalid value /.exec(message);
  if (variable) {
    const rest = message.slice(variable[0].length);
    const reason = REASON.exec(rest);
    const beforeReason = reason ? rest.slice(0, reason.index) : rest;
    const at = / at "[^"]*"$/.exec(beforeReason)?.[0] ?? '';
    return `${variable[1]} got an invalid value${at}${reason ? `; ${reasonWithoutValue(reason[1] ?? '')}` : '.'}`;
  }
  const argument = /^(Argument "[^"]+") has invalid value /.exec(message);
  if (argument) return `${argument[1]} has an invalid value.`;
  // A syntax error names the token it stopped at: a literal's kind is enough.
  if (message.startsWith('Syntax Error:')) return message.replace(/\b(String|BlockString|Int|Float) "[\s\S]*"/, '$1');
  return reasonWithoutValue(message);
}
