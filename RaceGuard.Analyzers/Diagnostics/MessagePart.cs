using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace RaceGuard.Diagnostics
{
    /// <summary>
    /// One argument of a diagnostic message, in a full and a brief wording ("in Cleanup() (called from Break())" and
    /// "in Cleanup()"). The message keeps the full wording while it fits <see cref="TargetLength"/>.
    /// </summary>
    public readonly struct MessagePart
    {
        /// <summary>The length a message should keep to: the Error List and build logs show one line.</summary>
        public const int TargetLength = 160;

        /// <summary>The length past which the minimal wordings are used: the member's name gives way only to keep the line short.</summary>
        public const int MinimalLength = 180;

        public MessagePart(string full, string brief, string? minimal = null)
        {
            Full = full;
            Brief = brief;
            Minimal = minimal ?? brief;
        }

        public string Full { get; }

        public string Brief { get; }

        /// <summary>The last resort when even the brief message is too long (long names): "here" for the reported member's place.</summary>
        public string Minimal { get; }

        public static implicit operator MessagePart(string text) => new MessagePart(text, text);

        /// <summary>Every wording put into the same sentence: <c>place.Map(p => "checked " + p)</c>.</summary>
        public MessagePart Map(System.Func<string, string> wording) => new MessagePart(wording(Full), wording(Brief), wording(Minimal));

        /// <summary>
        /// The message arguments: every part in full while the message fits, else the parts in brief one by one, from the
        /// first, until it fits, then in their minimal wording the same way while it is longer than <see cref="MinimalLength"/>
        /// (the variable and its type never change; the place and the other side go first).
        /// </summary>
        public static object[] Fit(DiagnosticDescriptor descriptor, IReadOnlyList<MessagePart> parts)
        {
            var format = descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
            var arguments = new object[parts.Count];
            for (var i = 0; i < parts.Count; i++)
            {
                arguments[i] = parts[i].Full;
            }

            for (var i = 0; i < parts.Count && string.Format(CultureInfo.InvariantCulture, format, arguments).Length > TargetLength; i++)
            {
                arguments[i] = parts[i].Brief;
            }

            for (var i = 0; i < parts.Count && string.Format(CultureInfo.InvariantCulture, format, arguments).Length > MinimalLength; i++)
            {
                arguments[i] = parts[i].Minimal;
            }

            return arguments;
        }
    }
}
