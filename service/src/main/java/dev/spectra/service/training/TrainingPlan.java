package dev.spectra.service.training;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.data.DatasetSplit;
import dev.spectra.optim.model.ModelLimits;
import dev.spectra.optim.model.ModelSpec;
import dev.spectra.optim.model.ModelSpecs;
import dev.spectra.optim.train.NetworkDtype;
import dev.spectra.optim.train.TrainableModel;
import dev.spectra.optim.train.TrainingConfig;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.jobs.spec.JobSpec;
import dev.spectra.service.jobs.spec.TrainingSpec;
import java.util.Locale;

/**
 * Everything optimizer-core needs to run a job, built from its stored spec: the data, the
 * network (preset or DL4J JSON, sized from the data and checked against the limits again), a
 * fresh optimizer and the training config.
 */
public record TrainingPlan(DatasetSplit data, TrainableModel model, Optimizer optimizer, TrainingConfig config,
                           long totalSteps) {

    public static TrainingPlan of(JobSpec spec, TrainingDataLoader loader, LimitsProperties limits) {
        TrainingSpec t = spec.training();
        DatasetSplit data = loader.load(spec.dataset(), t.seed());
        ModelLimits modelLimits = new ModelLimits(limits.maxLayers(), limits.maxHiddenSize(), limits.maxParameters(),
                limits.maxKernelSize(), (int) Math.min(Integer.MAX_VALUE, limits.maxModelJsonBytes().toBytes()));
        NetworkDtype dtype = NetworkDtype.parse(t.networkDtype());
        ModelSpec model = ModelSpecs.resolve(spec.model(), data.train().featureWidth(), data.train().numClasses(), modelLimits);
        TrainableModel network = model.build(dtype, t.seed(), modelLimits);
        Optimizer optimizer = Optimizers.create(spec.optimizer());
        ScheduleConfig schedule = new ScheduleConfig(
                ScheduleConfig.Type.valueOf(t.schedule().type().toUpperCase(Locale.ROOT)),
                t.schedule().warmupSteps(), t.schedule().minLrRatio());
        TrainingConfig config = new TrainingConfig(t.epochs(), t.batchSize(), t.seed(), t.evalEveryEpochs(),
                t.checkpointEverySteps(), schedule, dtype);
        return new TrainingPlan(data, network, optimizer, config, config.totalSteps(data.train().size()));
    }
}
