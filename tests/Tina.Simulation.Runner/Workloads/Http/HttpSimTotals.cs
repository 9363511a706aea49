using System;
using System.Globalization;
using Tina.Http.Server;

namespace Tina.Simulation.Workloads;

/// <summary>What the clients of one or more http-server runs saw, and what the servers counted (for the checker and the sweep's coverage report).</summary>
internal sealed class HttpSimTotals
{
    public long Runs { get; set; } = 1;

    public long Sessions { get; set; }

    public long Connected { get; set; }

    public long ConnectFailures { get; set; }

    public long CalmSessions { get; set; }

    public long RequestsStarted { get; set; }

    public long ValidHeadsSent { get; set; }

    public long MalformedSent { get; set; }

    public long Responses { get; set; }

    public long InlineAnswers { get; set; }

    public long HandlerOk { get; set; }

    public long HandlerFailures { get; set; }

    public long ParseRejections { get; set; }

    public long Timeouts408 { get; set; }

    public long Shed { get; set; }

    public long CloseResponses { get; set; }

    public long Unanswered { get; set; }

    public long Aborts { get; set; }

    public long IdleCloses { get; set; }

    public long IoFailures { get; set; }

    public long ReadTimeouts { get; set; }

    public long IdleRaces { get; set; }

    public long PipelinedBatches { get; set; }

    public long SlowSessions { get; set; }

    public long Partitions { get; set; }

    /// <summary>[HttpServerCounter] summed over shards (and runs).</summary>
    public long[] Server { get; } = new long[(int)HttpServerCounter.Count];

    public long this[HttpServerCounter counter] => Server[(int)counter];

    public void AddClient(HttpClientTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        Sessions += tally.SessionsDone;
        Connected += tally.Connected;
        ConnectFailures += tally.ConnectFailures;
        CalmSessions += tally.CalmSessions;
        RequestsStarted += tally.RequestsStarted;
        ValidHeadsSent += tally.ValidHeadsSent;
        MalformedSent += tally.MalformedSent;
        Responses += tally.Responses;
        InlineAnswers += tally.InlineAnswers;
        HandlerOk += tally.HandlerOk;
        HandlerFailures += tally.HandlerFailures;
        ParseRejections += tally.ParseRejections;
        Timeouts408 += tally.Timeouts408;
        Shed += tally.Shed;
        CloseResponses += tally.CloseResponses;
        Unanswered += tally.Unanswered;
        Aborts += tally.Aborts;
        IdleCloses += tally.IdleCloses;
        IoFailures += tally.IoFailures;
        ReadTimeouts += tally.ReadTimeouts;
        IdleRaces += tally.IdleRaces;
        PipelinedBatches += tally.PipelinedBatches;
        SlowSessions += tally.SlowSessions;
    }

    public void Add(HttpSimTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Runs += other.Runs;
        Sessions += other.Sessions;
        Connected += other.Connected;
        ConnectFailures += other.ConnectFailures;
        CalmSessions += other.CalmSessions;
        RequestsStarted += other.RequestsStarted;
        ValidHeadsSent += other.ValidHeadsSent;
        MalformedSent += other.MalformedSent;
        Responses += other.Responses;
        InlineAnswers += other.InlineAnswers;
        HandlerOk += other.HandlerOk;
        HandlerFailures += other.HandlerFailures;
        ParseRejections += other.ParseRejections;
        Timeouts408 += other.Timeouts408;
        Shed += other.Shed;
        CloseResponses += other.CloseResponses;
        Unanswered += other.Unanswered;
        Aborts += other.Aborts;
        IdleCloses += other.IdleCloses;
        IoFailures += other.IoFailures;
        ReadTimeouts += other.ReadTimeouts;
        IdleRaces += other.IdleRaces;
        PipelinedBatches += other.PipelinedBatches;
        SlowSessions += other.SlowSessions;
        Partitions += other.Partitions;
        for (int i = 0; i < Server.Length; i++)
        {
            Server[i] += other.Server[i];
        }
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Sessions} sessions ({Connected} connected, {ConnectFailures} connects failed, {CalmSessions} after the faults, {SlowSessions} slow peers, {Aborts} aborted), {RequestsStarted} requests begun ({MalformedSent} malformed, {PipelinedBatches} pipelined batches), {Responses} responses: {InlineAnswers} inline, {HandlerOk} handler OK, {HandlerFailures} handler failures, {Shed} shed, {ParseRejections} parse rejections, {Timeouts408} 408s, {CloseResponses} Connection: close; {Unanswered} unanswered on ended connections, {IdleCloses} idle closes, {IdleRaces} idle races, {IoFailures} I/O failures, {ReadTimeouts} read timeouts, {Partitions} partitions; server: {this[HttpServerCounter.ConnectionsAccepted]} accepted, {this[HttpServerCounter.ConnectionsRefusedSpawn]} refused at spawn, {this[HttpServerCounter.Requests]} heads, {this[HttpServerCounter.HandlerCalls]} handler calls, {this[HttpServerCounter.ParsePauses]} parse pauses, {this[HttpServerCounter.HeaderTimeouts]} head timeouts, {this[HttpServerCounter.BodyRateTimeouts]} body-rate timeouts, {this[HttpServerCounter.IdleTimeouts]} idle timeouts");
}
