using Xunit;

namespace RaceGuard.Tests.Verifiers
{
    /// <summary>Twins of a test source: the same code with one edit.</summary>
    public static class SourceEdits
    {
        /// <summary>Replaces text that must be there: a twin that silently equals its original would test nothing.</summary>
        public static string Edit(this string source, string old, string replacement)
        {
            Assert.Contains(old, source);
            return source.Replace(old, replacement);
        }
    }
}
