using System.Threading.Tasks;
using VerifyCS = RaceGuard.Tests.Verifiers.CSharpRuleVerifier<RaceGuard.Rules.SideChannelHandOverRule>;

namespace RaceGuard.Tests.Rules
{
    /// <summary>
    /// RG0005, publication order: a thread sets the status of an object its starter polls before the result fields, so the
    /// starter leaves the polling loop and reads a result that is not there yet. Reported at the result's assignment and
    /// at the read after the loop; silent when the result is assigned first, when the error is assigned in the handler of
    /// the status's <c>try</c>, when the starter joins the thread before reading, and when nobody polls the status.
    /// </summary>
    public partial class RG0005SideChannelHandOverTests
    {
        private const string JobTypes = """
            using System;
            using System.Threading;

            enum JobStatus { Running, Done, Failed }

            sealed class JobHandle
            {
                public volatile JobStatus Status;
                public string? Output;
                public Exception? Error;
            }

            """;

        [Fact]
        public async Task Reports_StatusPublishedBeforeTheResultOfAPolledJob()
        {
            const string source = JobTypes + """
                static class JobRunner
                {
                    public static string? Run(Func<string> work)
                    {
                        var job = new JobHandle { Status = JobStatus.Running };
                        var worker = new Thread(() =>
                        {
                            var output = work();
                            job.Status = JobStatus.Done;
                            {|#0:job.Output = output|};
                        });
                        worker.IsBackground = true;
                        worker.Start();

                        while (job.Status == JobStatus.Running)
                        {
                            Thread.Sleep(50);
                        }

                        return {|#1:job.Output|};
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(
                source,
                VerifyCS.Diagnostic("RG0005").WithLocation(0).WithArguments(
                    "job.Output",
                    "string?",
                    "assigned inside the Thread lambda after 'job.Status = JobStatus.Done', the status Run() polls",
                    "assign it before the status"),
                VerifyCS.Diagnostic("RG0005").WithLocation(1).WithArguments(
                    "job.Output",
                    "string?",
                    "set by the Thread lambda and read in Run() ordered by only a polled flag",
                    "Join() the thread instead"));
        }

        [Fact]
        public async Task Reports_StatusPublishedBeforeTheErrorOfAJobStartedByAHelper()
        {
            const string source = JobTypes + """
                static class JobRunner
                {
                    private static JobHandle Start(Func<string> work)
                    {
                        var job = new JobHandle { Status = JobStatus.Running };
                        new Thread(() =>
                        {
                            try
                            {
                                job.Output = work();
                                job.Status = JobStatus.Done;
                            }
                            catch (Exception e)
                            {
                                job.Status = JobStatus.Failed;
                                [|job.Error = e|];
                            }
                        }) { IsBackground = true }.Start();
                        return job;
                    }

                    public static string? WaitFor(Func<string> work)
                    {
                        var job = Start(work);
                        while (job.Status == JobStatus.Running)
                        {
                            Thread.Sleep(50);
                        }

                        if (job.Status == JobStatus.Failed)
                        {
                            throw new InvalidOperationException("job failed", [|job.Error|]);
                        }

                        return job.Output;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ResultAssignedBeforeTheStatus()
        {
            const string source = JobTypes + """
                static class JobRunner
                {
                    public static string? Run(Func<string> work)
                    {
                        var job = new JobHandle { Status = JobStatus.Running };
                        new Thread(() =>
                        {
                            try
                            {
                                job.Output = work();
                                job.Status = JobStatus.Done;
                            }
                            catch (Exception e)
                            {
                                job.Error = e;
                                job.Status = JobStatus.Failed;
                            }
                        }) { IsBackground = true }.Start();

                        while (job.Status == JobStatus.Running)
                        {
                            Thread.Sleep(50);
                        }

                        if (job.Status == JobStatus.Failed)
                        {
                            throw new InvalidOperationException("job failed", job.Error);
                        }

                        return job.Output;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ErrorAssignedInTheHandlerOfTheStatusTry()
        {
            // The status is set at the end of the try; the handler runs instead of it, and sets its own status last.
            const string source = JobTypes + """
                static class JobRunner
                {
                    public static Exception? Run(Action work)
                    {
                        var job = new JobHandle { Status = JobStatus.Running };
                        new Thread(() =>
                        {
                            try
                            {
                                work();
                                job.Status = JobStatus.Done;
                            }
                            catch (Exception e)
                            {
                                job.Error = e;
                                job.Status = JobStatus.Failed;
                            }
                        }).Start();

                        while (job.Status == JobStatus.Running)
                        {
                            Thread.Sleep(10);
                        }

                        return job.Error;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_ThreadJoinedBeforeTheResultIsRead()
        {
            const string source = JobTypes + """
                static class JobRunner
                {
                    public static string? Run(Func<string> work)
                    {
                        var job = new JobHandle { Status = JobStatus.Running };
                        var worker = new Thread(() =>
                        {
                            var output = work();
                            job.Status = JobStatus.Done;
                            job.Output = output;
                        });
                        worker.Start();

                        while (job.Status == JobStatus.Running)
                        {
                            Thread.Sleep(50);
                        }

                        worker.Join();
                        return job.Output;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }

        [Fact]
        public async Task Silent_StatusNobodyPolls()
        {
            // The job is handed out; whoever reads it is not in this type.
            const string source = JobTypes + """
                static class JobRunner
                {
                    public static JobHandle Start(Func<string> work)
                    {
                        var job = new JobHandle { Status = JobStatus.Running };
                        new Thread(() =>
                        {
                            var output = work();
                            job.Status = JobStatus.Done;
                            job.Output = output;
                        }).Start();
                        return job;
                    }
                }
                """;

            await VerifyCS.VerifyAnalyzerAsync(source);
        }
    }
}
