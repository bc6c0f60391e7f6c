using System.Diagnostics;
using BackupPlatform.Data;
using MassTransit;

namespace BackupPlatform.Hosting.Journal;

/// <summary>
/// Journals each consume with its outcome: consumed, skipped (the consumer said it was a no-op) or
/// faulted with the exception, which MassTransit then moves to the endpoint's error queue. A scoped
/// filter, so it shares the consumer's <see cref="ConsumeNote"/>; it never changes the outcome.
/// </summary>
public sealed class JournalConsumeFilter<T>(MessageJournal journal, ConsumeNote note) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next.Send(context);
        }
        catch (Exception e)
        {
            journal.Record(JournalEntries.FromConsume(
                context, context.Message, JournalOutcomes.Faulted, Stopwatch.GetElapsedTime(started), e, $"moved to {JournalEntries.ErrorQueueOf(context.ReceiveContext.InputAddress)}"));
            throw;
        }

        var skipped = note.SkippedBecause;
        journal.Record(JournalEntries.FromConsume(
            context, context.Message, skipped is null ? JournalOutcomes.Consumed : JournalOutcomes.Skipped, Stopwatch.GetElapsedTime(started), null, skipped));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("messageJournal");
}
