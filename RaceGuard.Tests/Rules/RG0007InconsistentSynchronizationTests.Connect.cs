using System.Threading.Tasks;
using RaceGuard.Tests.Verifiers;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.InconsistentSynchronizationRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0007 and a client's <c>Connect()</c>: a start-up member (RULES.md, "What orders accesses") that creates what
    /// the sends then use under their lock, before the client is marked connected.
    /// </summary>
    public partial class RG0007InconsistentSynchronizationTests
    {
        private const string SocketClient = """
            using System.Collections.Generic;

            public sealed class SocketClient
            {
                private readonly object _sendLock = new object();
                private List<byte> _sendBuffer = new List<byte>();
                private bool _connected;

                public bool Connect()
                {
                    if (_connected)
                        return false;

                    _sendBuffer = new List<byte>(8192);
                    _connected = true;
                    return true;
                }

                public bool Send(byte data)
                {
                    if (!_connected)
                        return false;

                    lock (_sendLock)
                    {
                        _sendBuffer.Add(data);
                    }

                    return true;
                }

                public void Flush()
                {
                    lock (_sendLock)
                    {
                        _sendBuffer.Clear();
                    }
                }

                public int Pending()
                {
                    lock (_sendLock)
                    {
                        return _sendBuffer.Count;
                    }
                }
            }
            """;

        [Fact]
        public async Task Silent_BufferCreatedByConnectBeforeTheSendsUseItUnderTheirLock()
        {
            await VerifyCS.VerifyAnalyzerAsync(SocketClient);
        }

        [Fact]
        public async Task Silent_ConnectCalledByReconnect()
        {
            var source = SocketClient.Edit(
                """
                    public void Flush()
                    {
                """,
                """
                    public bool Reconnect()
                    {
                        lock (_sendLock)
                        {
                            _connected = false;
                        }

                        return Connect();
                    }

                    public void Flush()
                    {
                """);
            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Reports_BufferReplacedWithoutTheLockOutsideStartUp()
        {
            var source = SocketClient.Edit(
                """
                    public void Flush()
                    {
                """,
                """
                    public void Shrink() => {|#0:_sendBuffer|} = new List<byte>(1024);

                    public void Flush()
                    {
                """);
            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0007").WithLocation(0).WithArguments("_sendBuffer", "List<byte>", "written in Shrink()", "the lock '_sendLock'", "3 of its 3 other accesses", "take it here too"));
        }
    }
}
