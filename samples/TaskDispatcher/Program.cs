// TaskDispatcher: a dispatcher on shard 0 spreads jobs over agents and workers on every shard. Workers crash on
// every 7th job they run; their agents see the failed call at once, spawn a new worker and retry. Results come back
// by call/reply. At the end it prints a per-shard summary and checks that every job was done exactly once.
using System;
using Tina;
using TaskDispatcher;

var spec = new TinaSpec
{
    // One shard per CPU (the default), each pinned to its CPU.
    MessagePoolCapacity = 4096,
    // Worker crashes are expected here; the summary counts them, so the log shows only critical records.
    MinimumLogLevel = TinaLogLevel.Critical,
};
spec.AddIsolate<Dispatcher>(slots: 1, mailboxCapacity: 1024);
spec.AddIsolate<Agent>(slots: Dispatcher.AgentsPerShard, mailboxCapacity: 16);
spec.AddIsolate<Worker>(slots: Dispatcher.AgentsPerShard * 2, mailboxCapacity: 16);

using TinaRuntime runtime = TinaRuntime.Create(spec);
runtime.Spawn<Dispatcher, NoMoreJobs>(shard: 0, new NoMoreJobs());
var started = System.Diagnostics.Stopwatch.StartNew();
runtime.Start();
bool finished = runtime.WaitForStopRequest(TimeSpan.FromSeconds(60));
runtime.Stop(TimeSpan.FromSeconds(10));
started.Stop();

Console.WriteLine($"TaskDispatcher: {Dispatcher.TotalJobs} jobs on {runtime.ShardCount} shards in {started.ElapsedMilliseconds} ms");
Console.WriteLine("shard    jobs  worker-crashes  panics  handled  calls-no-reply");
long jobs = 0;
long crashes = 0;
for (int shard = 0; shard < runtime.ShardCount; shard++)
{
    ShardStats stats = runtime.GetStats(shard);
    jobs += Summary.JobsByShard[shard];
    crashes += Summary.CrashesByShard[shard];
    Console.WriteLine(
        $"{shard,5}  {Summary.JobsByShard[shard],6}  {Summary.CrashesByShard[shard],14}  {stats[ShardCounter.IsolatesPanicked],6}  " +
        $"{stats[ShardCounter.MessagesHandled],7}  {stats[ShardCounter.CallsNoReply],14}");
}

bool ok = finished && jobs == Dispatcher.TotalJobs && Summary.JobsCompleted == Dispatcher.TotalJobs
    && runtime.Total(ShardCounter.IsolatesPanicked) == crashes;
Console.WriteLine(ok ? "all jobs done exactly once; every crash was contained and retried" : "MISMATCH: see the table above");
return ok ? 0 : 1;
