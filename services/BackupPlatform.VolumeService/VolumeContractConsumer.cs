using BackupPlatform.Contracts.Volume.V2;
using MassTransit;

namespace BackupPlatform.VolumeService;

/// <summary>Serves the <see cref="VolumeContract"/> on the volume-service queue, answering each request with its answer's own type.</summary>
public sealed class VolumeContractConsumer(VolumeContract contract) :
    IConsumer<CreateVolume>,
    IConsumer<ReserveVolume>,
    IConsumer<GetVolume>,
    IConsumer<GetBackupDevice>,
    IConsumer<InitializeConnection>,
    IConsumer<TerminateConnection>,
    IConsumer<ReleaseVolume>,
    IConsumer<SetVolumeMetadata>,
    IConsumer<DeleteTemporaryVolume>
{
    public Task Consume(ConsumeContext<CreateVolume> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<ReserveVolume> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<GetVolume> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<GetBackupDevice> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<InitializeConnection> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<TerminateConnection> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<ReleaseVolume> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<SetVolumeMetadata> context) => AnswerAsync(context);

    public Task Consume(ConsumeContext<DeleteTemporaryVolume> context) => AnswerAsync(context);

    private async Task AnswerAsync<T>(ConsumeContext<T> context)
        where T : class
    {
        var answer = await contract.HandleAsync(context.Message, context.CancellationToken);
        await context.RespondAsync(answer, answer.GetType());
    }
}
