package dev.spectra.optim.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.train.NetworkDtype;
import dev.spectra.optim.train.TrainableModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ModelSpecsTest {

    private static Map<String, Object> spec(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String mlnJson(boolean withL2) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3));
        if (withL2) {
            b.l2(1e-4);
        }
        MultiLayerConfiguration conf = b.list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        return conf.toJson();
    }

    private static String graphJson() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(784).nOut(32).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(784).nOut(32).build(), "in")
                .addVertex("merge", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "a", "b")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out").build();
        return conf.toJson();
    }

    @Test
    void mlpFromSpecBuildsTheDescribedNetworkWithTheEstimatedParameterCount() {
        ModelSpec s = ModelSpecs.parse(spec("type", "mlp", "hiddenSizes", List.of(256, 128), "activation", "relu",
                "dropout", 0.1)).forData(784, 10);
        assertThat(s).isEqualTo(new MlpSpec(784, List.of(256, 128), ActivationFunction.RELU, 0.1, 10));
        assertThat(s.parameterCount()).isEqualTo(784L * 256 + 256 + 256L * 128 + 128 + 128L * 10 + 10);
        TrainableModel m = s.build(NetworkDtype.FLOAT32, 1);
        MultiLayerNetwork net = (MultiLayerNetwork) m.network();
        assertThat(net.numParams()).isEqualTo(s.parameterCount());
        assertThat(m.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(m.inputWidth()).hasValue(784);
        assertThat(m.outputWidth()).hasValue(10);
        assertThat(net.getLayerWiseConfigurations().getConf(0).getLayer().getIDropout()).as("no dropout on pixels").isNull();
        assertThat(net.getLayerWiseConfigurations().getConf(1).getLayer().getIDropout()).isNotNull();
        assertThat(((BaseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater()).isInstanceOf(NoOp.class);
        assertThat(s.toSpec()).containsEntry("hiddenSizes", List.of(256, 128)).containsEntry("activation", "relu");
        assertThat(ModelSpecs.parse(s.toSpec())).isEqualTo(s); // the spec form round-trips
        assertThat(s.build(NetworkDtype.FLOAT64, 1).dataType()).isEqualTo(DataType.DOUBLE);
    }

    @Test
    void cnnParameterEstimateMatchesDl4j() {
        CnnSpec d = CnnSpec.defaults().forData(784, 10);
        CnnSpec strided = new CnnSpec(28, 28, 1, List.of(new ConvBlock(8, 3, 2, 0), new ConvBlock(16, 3, 1, 3)), List.of(),
                ActivationFunction.TANH, 0.2, 10);
        for (CnnSpec s : List.of(d, strided)) {
            TrainableModel m = s.build(NetworkDtype.FLOAT32, 1);
            assertThat(m.numParams()).as("%s", s).isEqualTo(s.parameterCount());
            assertThat(m.inputWidth()).hasValue(784);
        }
        // 28 -> conv/2 -> 14 -> conv -> 14 -> pool 3 -> 5: 5*5*16 flattened into the output layer
        assertThat(strided.parameterCount()).isEqualTo(8 * 9 + 8 + 16 * 8 * 9 + 16 + 400 * 10 + 10);
        ModelSpec parsed = ModelSpecs.parse(spec("type", "cnn", "convBlocks",
                List.of(Map.of("channels", 8, "kernel", 3, "stride", 2), Map.of("channels", 16, "kernel", 3, "pool", 3)),
                "denseSizes", List.of(), "activation", "tanh", "dropout", 0.2, "numClasses", 10));
        assertThat(parsed).isEqualTo(strided);
        assertThatThrownBy(() -> d.forData(100, 10)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("= 784 must equal the dataset's 100 features");
    }

    @Test
    void everyBadFieldIsReportedAtOnce() {
        assertThatThrownBy(() -> ModelSpecs.parse(spec("type", "mlp", "hiddenSizes", List.of(64, "x", -3), "dropout", 1.5,
                "activation", "softsign", "colour", "blue")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
                        .extracting(ConfigViolation::field)
                        .containsExactlyInAnyOrder("hiddenSizes[1]", "hiddenSizes[2]", "dropout", "activation", "colour"))
                .hasMessageContaining("hiddenSizes[1] must be an integer but was 'x'")
                .hasMessageContaining("dropout must be in [0, 1) but was 1.5")
                .hasMessageContaining("activation must be one of relu, leakyrelu")
                .hasMessageContaining("colour is not a field of model type mlp");
        assertThatThrownBy(() -> ModelSpecs.parse(spec("type", "cnn", "convBlocks", List.of(Map.of("channels", 0, "kernel", 3, "size", 1)))))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
                        .extracting(ConfigViolation::field)
                        .contains("convBlocks[0].channels", "convBlocks[0].size"));
        assertThatThrownBy(() -> ModelSpecs.parse(spec("type", "transformer")))
                .hasMessageContaining("type must be one of mlp, cnn, dl4j-json but was 'transformer'");
        assertThatThrownBy(() -> new MlpSpec(784, List.of(10), ActivationFunction.RELU, 0, 10).forData(100, 3))
                .hasMessageContaining("inputSize must equal the dataset's 100 features")
                .hasMessageContaining("numClasses must equal the dataset's 3 classes");
    }

    @Test
    void limitsRejectOversizeModelsBeforeBuilding() {
        ModelLimits tight = new ModelLimits(3, 1000, 500_000, 5, 10_000);
        MlpSpec wide = new MlpSpec(784, List.of(4096, 10, 10), ActivationFunction.RELU, 0, 10);
        assertThat(wide.limitViolations(tight)).extracting(ConfigViolation::field)
                .containsExactlyInAnyOrder("hiddenSizes", "hiddenSizes[0]", "parameters");
        assertThatThrownBy(() -> wide.build(NetworkDtype.FLOAT32, 1, tight)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("hiddenSizes[0] must be <= 1000 but was 4096")
                .hasMessageContaining("(estimated parameter count) must be <= 500000");
        CnnSpec bigKernel = new CnnSpec(28, 28, 1, List.of(new ConvBlock(8, 7, 1, 2)), List.of(), ActivationFunction.RELU, 0, 10);
        assertThat(bigKernel.limitViolations(tight)).extracting(ConfigViolation::field).containsExactly("convBlocks[0].kernel");
        assertThat(MlpSpec.defaults().forData(784, 10).limitViolations(ModelLimits.defaults())).isEmpty();
        assertThatThrownBy(() -> ModelSpecs.resolve(spec("type", "mlp", "hiddenSizes", List.of(100_000)), 784, 10,
                ModelLimits.defaults())).hasMessageContaining("hiddenSizes[0] must be <= 16384");
        Dl4jJsonSpec json = new Dl4jJsonSpec(mlnJson(false));
        assertThat(json.limitViolations(new ModelLimits(32, 32, 50_000_000, 5, 1 << 20))).extracting(ConfigViolation::message)
                .anyMatch(m -> m.contains("layer size must be <= 32"));
        assertThat(json.limitViolations(new ModelLimits(32, 1000, 1000, 5, 1 << 20))).extracting(ConfigViolation::field)
                .containsExactly("parameters");
        assertThat(json.limitViolations(new ModelLimits(32, 1000, 1_000_000, 5, 100))).extracting(ConfigViolation::message)
                .anyMatch(m -> m.contains("at most 100 characters"));
    }

    @Test
    void dl4jJsonBuildsMultiLayerAndGraphWithNoOpUpdatersAndRequestedPrecision() {
        Dl4jJsonSpec mln = (Dl4jJsonSpec) ModelSpecs.parse(spec("type", "dl4j-json", "json", mlnJson(false)));
        assertThat(mln.forData(784, 10)).isSameAs(mln);
        assertThat(mln.parameterCount()).isEqualTo(784L * 64 + 64 + 64 * 10 + 10);
        TrainableModel m = mln.build(NetworkDtype.FLOAT64, 9);
        assertThat(m.numParams()).isEqualTo(mln.parameterCount());
        assertThat(m.dataType()).isEqualTo(DataType.DOUBLE);
        MultiLayerNetwork net = (MultiLayerNetwork) m.network();
        assertThat(((BaseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater())
                .as("the JSON's Adam is replaced").isInstanceOf(NoOp.class);
        assertThat(net.getLayerWiseConfigurations().getConf(0).getSeed()).isEqualTo(9);
        assertThatThrownBy(() -> mln.forData(100, 3)).hasMessageContaining("network input takes 784 features but the dataset has 100")
                .hasMessageContaining("network output has 10 units but the dataset has 3 classes");

        Dl4jJsonSpec graph = new Dl4jJsonSpec(graphJson());
        TrainableModel g = graph.build(NetworkDtype.FLOAT32, 1);
        assertThat(g.network()).isInstanceOf(ComputationGraph.class);
        assertThat(g.numParams()).isEqualTo(graph.parameterCount()).isEqualTo(2 * (784L * 32 + 32) + 64 * 10 + 10);
        assertThat(g.inputWidth()).hasValue(784);
        assertThat(g.outputWidth()).hasValue(10);
        // an embedded JSON object works as well as a string
        Map<?, ?> asObject = readJson(graphJson());
        assertThat(ModelSpecs.parse(spec("type", "dl4j-json", "json", asObject)).parameterCount()).isEqualTo(graph.parameterCount());
    }

    private static Map<?, ?> readJson(String json) {
        try {
            return new org.nd4j.shade.jackson.databind.ObjectMapper().readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badDl4jJsonGetsAClearMessage() {
        assertThatThrownBy(() -> new Dl4jJsonSpec("{\"confs\": [ {"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("json is not valid JSON")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> new Dl4jJsonSpec("[1, 2]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> new Dl4jJsonSpec("{\"confs\": \"nope\"}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("is not a DL4J MultiLayerConfiguration");
        assertThatThrownBy(() -> new Dl4jJsonSpec(mlnJson(true)))
                .hasMessageContaining("uses DL4J regularization").hasMessageContaining("optimizer's weightDecay");
        String noOutput = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).build()).build().toJson();
        assertThatThrownBy(() -> new Dl4jJsonSpec(noOutput)).hasMessageContaining("must end with an output layer");
        assertThatThrownBy(() -> ModelSpecs.parse(spec("type", "dl4j-json", "json", 42)))
                .hasMessageContaining("json must be the DL4J configuration as a JSON string or object");
        assertThatThrownBy(() -> new Dl4jJsonSpec(" ")).hasMessageContaining("json must hold a DL4J");
    }
}
