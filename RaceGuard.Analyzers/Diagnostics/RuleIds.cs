namespace RaceGuard.Diagnostics
{
    /// <summary>The rule IDs, one constant per finding. Never reuse or renumber an ID.</summary>
    public static class RuleIds
    {
        public const string SharedCollectionMutation = "RG0001";

        public const string UnsynchronizedFlag = "RG0002";

        public const string NonAtomicUpdate = "RG0003";

        public const string UnguardedConcurrentSend = "RG0004";

        public const string SideChannelHandOver = "RG0005";

        public const string CheckThenAct = "RG0006";

        public const string InconsistentSynchronization = "RG0007";

        public const string ReleaseNotGuaranteed = "RG0008";
    }
}
